"""Media: images received from tenants, checked, stripped, encrypted and stored."""
