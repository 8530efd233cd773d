# zenml-conformance, server profile "fast-hash" (the project's own tests only): bcrypt hashes made at
# its minimum cost, 4 rounds instead of passlib's 12, so that the self-tests' many logins, users and
# keys do not queue behind the server's hashing. Verdicts do not depend on the cost; conformance runs
# and the benchmark never use this profile.
try:
    from passlib.handlers.bcrypt import bcrypt

    bcrypt.default_rounds = 4
except Exception:  # an older or newer passlib: the default cost, slower but the same behaviour
    pass
