"""csskpi's bundled import profiles (TOML files in this folder): see :mod:`csskpi.builtin.import_profiles`."""
