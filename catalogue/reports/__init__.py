"""Monthly, quarterly and yearly activity reports per agency and sector (CSV and XLSX)."""
