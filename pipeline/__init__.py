"""thidua: emulation and rewards data of the People's Procuracy, from spreadsheets to DuckDB."""

__version__ = "0.1.0"
