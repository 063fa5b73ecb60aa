"""Jobs: durable units of background work. The jobs table is the queue in embedded mode."""
