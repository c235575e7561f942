## End-to-end tests of the mavis command on generated packages.
