"""Webhooks: tenant endpoints, events, signed deliveries (Standard Webhooks) with retries."""
