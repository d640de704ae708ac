"""Analysis code for the Changji prefecture services-plan (2021–2025) policy study."""
