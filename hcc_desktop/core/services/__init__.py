"""Domain services: the only way anything writes. The GUI, the CLI, the demo seeder
and the tests all call these functions, with keyword-only arguments."""
