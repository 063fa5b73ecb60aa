"""The newcomer's demo: a SPECIMEN document and a full verification, embedded or remote."""
