"""The pages of the web application, one module per area (sign-in, dashboard, screening, decisions, review, lists, audit)."""
