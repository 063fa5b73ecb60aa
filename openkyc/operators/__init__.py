"""The platform operator (super-admin): its credentials and its API over every tenant."""
