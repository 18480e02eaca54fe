"""Category negatives: what is NOT a secret (issue 13 items 3 and 4): code
and references, placeholders, type annotations and UI text, documented
example keys, public identifiers, tokens with an invalid checksum, hashes
and ids that are not credentials, encrypted values meant to be committed,
public keys and certificates. Every labelled line here is not-secret, and
any finding anywhere in this category is a false alarm."""
import hashlib
import struct
import zlib

from detect_corpus_lib import N, b64, b62_crc, HEX, B64, B64URL, ALNUM, B62, B32

CAT = "negatives"

# Documented example credentials, joined from pieces so this source holds no
# secret-shaped literal (sources in the comments).
AWS_EXAMPLE_ID = "AKIA" + "IOSFODNN7" + "EXAMPLE"                 # AWS docs: "Understanding and getting your AWS credentials"
AWS_DOC_B1 = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY"
AWS_EXAMPLE_ID2 = "AKIA" + "I44QH8DHB" + "EXAMPLE"                 # AWS docs: IAM access keys examples
AWS_DOC_B2 = "je7MtGbClwBF/2Zp9Utk/" + "h3yCo8nvb" + "EXAMPLEKEY"
STRIPE_TEST_SK = "sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc"       # Stripe docs (API reference examples)
STRIPE_TEST_PK = "pk_" + "test_" + "TYooMQauvdEDq54NiTphI7jx"
AZURITE_KEY = ("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq" +
               "/K1SZFPTOtr/KBHBeksoGMGw==")                         # Microsoft docs: Azurite well-known account key

PLACEHOLDERS = ["changeme", "<password>", "***", "********", "your-password-here", "<YOUR_API_KEY>",
                "REPLACE_ME", "xxxxxxxxxxxxxxxx", "TODO", "${PASSWORD}", "{{ password }}", "%(password)s",
                "$PASSWORD", "%DB_PASSWORD%", "@DB_PASSWORD@", "__DB_PASSWORD__", "<redacted>", "[REDACTED]",
                "your_api_key", "example", "dummy", "password", "secret", "test", "fake-token-for-tests",
                "<insert-token>", "put-your-secret-here", "CHANGE_THIS", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
                "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "AKIAXXXXXXXXXXXXXXXX", "null", "none", ""]


def build(c):
    placeholders(c)
    references(c)
    ui_text(c)
    documented(c)
    public_ids(c)
    invalid_checksums(c)
    hashes_and_ids(c)
    encrypted(c)
    keys_and_certs(c)
    prose(c)
    logs_and_changelogs(c)
    templates(c)


def placeholders(c):
    # .env.example / config templates as projects ship them
    fmts = [
        ("env/.env.example", "dotenv README; .env.example convention", lambda k, v: "%s=%s" % (k.upper(), v)),
        ("yaml/config.example.yml", "YAML templates", lambda k, v: "%s: \"%s\"" % (k, v)),
        ("json/config.sample.json", "JSON templates", lambda k, v: "  \"%s\": \"%s\"," % (k, v.replace("\"", "'"))),
        ("ini/settings.ini.dist", "INI templates (.dist)", lambda k, v: "%s = %s" % (k, v)),
        ("python/local_settings.py.template", "Python settings templates", lambda k, v: "%s = '%s'" % (k.upper(), v)),
        ("xml/web.config.template", "XML config templates", lambda k, v: "  <add key=\"%s\" value=\"%s\" />" % (k, v)),
    ]
    keys = "password db_password api_key secret_key auth_token client_secret".split()
    for path, doc, fmt in fmts:
        items = []
        for n, v in enumerate(PLACEHOLDERS):
            # one key per line, as a template has (password, ..., password_2, ...)
            k = keys[n % len(keys)] + ("" if n < len(keys) else "_%d" % (n // len(keys) + 1))
            if path.startswith("xml") or path.startswith("json"):
                v = v.replace("<", "&lt;").replace(">", "&gt;") if path.startswith("xml") else v
            items.append(N(fmt(k, v), "placeholder"))
        if path.startswith("json"):
            items = ["{"] + items + ["  \"version\": 1", "}"]
        elif path.startswith("ini"):
            items = ["[app]"] + items
        c.file(CAT, "placeholders/" + path, doc, items)


def references(c):
    lines = [
        "password = os.environ[\"DB_PASSWORD\"]",
        "password = os.environ.get(\"DB_PASSWORD\", \"\")",
        "api_key = settings.API_KEY",
        "token = get_secret(\"github-token\")",
        "secret = base64.b64decode(os.environ['SECRET_B64'])",
        "password = keyring.get_password(\"app\", user)",
        "password = config['database']['password']",
        "password = args.password",
        "password = None  # set by the caller",
        "password=self._password,",
        "conn = psycopg2.connect(password=db_password, host=host)",
        "const password = process.env.DB_PASSWORD;",
        "const { password } = req.body;",
        "const apiKey = import.meta.env.VITE_API_KEY;",
        "const token = await getToken();",
        "headers: { Authorization: `Bearer ${token}` },",
        "password: this.form.value.password,",
        "$password = $_ENV['DB_PASSWORD'];",
        "'password' => env('DB_PASSWORD', ''),",
        "$db_password = $config->get('db.password');",
        "password := os.Getenv(\"DB_PASSWORD\")",
        "secret := viper.GetString(\"jwt.secret\")",
        "String password = props.getProperty(\"db.password\");",
        "@Value(\"${spring.datasource.password}\")",
        "var apiKey = configuration[\"ApiKey\"];",
        "var password = Environment.GetEnvironmentVariable(\"DB_PASSWORD\");",
        "password = ENV.fetch('DB_PASSWORD')",
        "secret_key_base: <%= ENV[\"SECRET_KEY_BASE\"] %>",
        "password: ${DB_PASSWORD}",
        "password: ${DB_PASSWORD:?DB_PASSWORD is required}",
        "password: \"{{ lookup('env', 'DB_PASSWORD') }}\"",
        "password: \"{{ vault_db_password }}\"",
        "password: {{ .Values.postgresql.auth.password | quote }}",
        "password: '{{ db_password }}'",
        "  password = var.db_password",
        "  password = data.vault_generic_secret.db.data[\"password\"]",
        "  api_key = local.api_key",
        "DB_PASSWORD=${DB_PASSWORD}",
        "export API_TOKEN=\"$(gcloud auth print-access-token)\"",
        "export PGPASSWORD=\"$POSTGRES_PASSWORD\"",
        "- name: DB_PASSWORD",
        "  valueFrom:",
        "    secretKeyRef:",
        "      name: db-credentials",
        "      key: password",
        "password = %(db_password)s",
        "password: !vault-ref secret/data/app#password",
        "password = ${file(\"secrets/db.txt\")}",
        "<password>${env.NEXUS_PASSWORD}</password>",
        "<property name=\"password\" value=\"#{systemEnvironment['DB_PASSWORD']}\"/>",
        "spring.datasource.password=${DB_PASSWORD}",
        "token: ${{ secrets.GITHUB_TOKEN }}",
        "password: $(DB_PASSWORD)",
        "password = \"#{ENV['DB_PASSWORD']}\"",
        "hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt())",
        "if (password !== confirmPassword) throw new Error('mismatch');",
        "user.set_password(form.cleaned_data['password1'])",
        "password_hash = hashlib.sha256(password.encode()).hexdigest()",
        "def check_password(self, raw_password):",
        "PasswordAuthentication no",
        "password_required = true",
        "\"passwordless\": true,",
        "PASSWORD_RESET_TIMEOUT = 259200",
        "min_password_length: 12",
        "token_expiry_seconds = 3600",
        "secret_name = \"prod/db/password\"",
        "api_key_header = \"X-API-Key\"",
        "AUTH_TOKEN_HEADER = 'Authorization'",
    ]
    c.file(CAT, "references/mixed.txt", "issue 13 item 3: code and references are not secrets",
           [N(x, "reference") for x in lines])


def ui_text(c):
    items = [N(x, "ui-text") for x in [
        "<label for=\"password\">Password</label>",
        "<input type=\"password\" name=\"password\" id=\"password\" placeholder=\"Password\" required>",
        "<input type=\"password\" name=\"password_confirmation\" autocomplete=\"new-password\">",
        "<a href=\"/password/reset\">Forgot your password?</a>",
    ]]
    c.file(CAT, "ui/login.html", "HTML: input type=password", ["<form method=\"post\">"] + items + ["</form>"])
    c.file(CAT, "ui/locales/en.json", "i18n message catalogues", ["{"] + [N(x, "i18n") for x in [
        "  \"password\": \"Password\",",
        "  \"password_hint\": \"At least 12 characters, one digit\",",
        "  \"api_key\": \"API key\",",
        "  \"secret\": \"Secret\",",
        "  \"token_expired\": \"Your session token has expired\",",
        "  \"enter_password\": \"Enter your password\",",
        "  \"wrong_password\": \"Wrong password, try again\",",
    ]] + ["  \"ok\": \"OK\"", "}"])
    c.file(CAT, "ui/config/locales/fr.yml", "Rails i18n YAML", ["fr:", "  devise:"] + [N(x, "i18n") for x in [
        "    password: \"Mot de passe\"",
        "    password_confirmation: \"Confirmation du mot de passe\"",
        "    current_password: \"Mot de passe actuel\"",
        "    forgot_password: \"Mot de passe oublié ?\"",
    ]])
    c.file(CAT, "ui/po/de.po", "GNU gettext PO files", [N(x, "i18n") for x in [
        "msgid \"Password\"",
        "msgstr \"Passwort\"",
        "msgid \"Secret key\"",
        "msgstr \"Geheimer Schlüssel\"",
        "msgid \"Password: %s\"",
        "msgstr \"Passwort: %s\"",
    ]])
    c.file(CAT, "ui/models.py", "Python type annotations, Django model fields", [N(x, "annotation") for x in [
        "class User(BaseModel):",
        "    password: str",
        "    api_key: Optional[str] = None",
        "    secret: SecretStr",
        "    token: str = Field(default_factory=lambda: secrets.token_urlsafe(32))",
        "    password = models.CharField(max_length=128)",
        "    api_token = models.CharField(max_length=40, unique=True)",
    ]])
    c.file(CAT, "ui/types.ts", "TypeScript interfaces", [N(x, "annotation") for x in [
        "export interface Credentials {",
        "  username: string;",
        "  password: string;",
        "  apiKey?: string;",
        "  secret: string | null;",
        "}",
    ]])
    c.file(CAT, "ui/schema.sql", "SQL DDL", [N(x, "annotation") for x in [
        "CREATE TABLE users (",
        "  password_hash VARCHAR(255) NOT NULL,",
        "  api_token CHAR(40) UNIQUE,",
        "  secret TEXT",
        ");",
    ]])


def documented(c):
    items = [
        N("aws_access_key_id = %s" % AWS_EXAMPLE_ID, "aws-example"),
        N("aws_secret_access_key = %s" % AWS_DOC_B1, "aws-example"),
        N("AWS_ACCESS_KEY_ID=%s" % AWS_EXAMPLE_ID2, "aws-example"),
        N("AWS_SECRET_ACCESS_KEY=%s" % AWS_DOC_B2, "aws-example"),
        N("STRIPE_SECRET_KEY=%s" % STRIPE_TEST_SK, "stripe-doc-test-key"),
        N("STRIPE_PUBLISHABLE_KEY=%s" % STRIPE_TEST_PK, "stripe-doc-test-key"),
        N("AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
          "AccountKey=%s;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;" % AZURITE_KEY, "azurite"),
        N("AccountKey=%s" % AZURITE_KEY, "azurite"),
    ]
    c.file(CAT, "documented/.env.test", "AWS docs example keys; Stripe docs test keys; Azurite docs", items)
    # AWS SigV4 (AWS docs "Signature Version 4 signing process"): the credential
    # scope names an access key id, a date, a region, a service; no secret.
    sig = c.rnd(64, HEX)
    scope = "AKID" + "/20240101/us-east-1/s3/aws4_request"
    c.file(CAT, "documented/sigv4.md", "AWS docs: Authenticating requests (AWS Signature Version 4)", [
        "Example request:",
        "```",
        N("Authorization: AWS4-HMAC-SHA256 Credential=%s, "
          "SignedHeaders=host;range;x-amz-date, Signature=%s" % (scope, sig), "sigv4"),
        N("Credential=%s/20130524/us-east-1/s3/aws4_request" % AWS_EXAMPLE_ID, "sigv4"),
        N("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
          "AKID%%2F20130524%%2Fus-east-1%%2Fs3%%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
          "&X-Amz-SignedHeaders=host&X-Amz-Signature=%s" % c.rnd(64, HEX), "sigv4"),
        N("  --aws-sigv4 \"aws:amz:us-east-1:s3\" --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\"", "sigv4"),
        "```",
    ])
    # RFC 4231 HMAC-SHA test vectors, RFC 7515 JWS example: documented, not credentials
    c.file(CAT, "documented/test_vectors.py", "RFC 4231 test vectors; RFC 7515 appendix A.1", [
        N("KEY1 = bytes.fromhex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b')", "test-vector"),
        N("DATA1 = b'Hi There'", "test-vector"),
        N("EXPECTED = 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'", "test-vector"),
        N("EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'", "test-vector"),
        N("EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e'", "test-vector"),
    ])


def public_ids(c):
    r = c.r
    acct = "%012d" % r.randint(10 ** 11, 10 ** 12 - 1)
    items = [
        N("TWILIO_ACCOUNT_SID=AC%s" % c.rnd(32, HEX), "twilio-sid"),
        N("aws_account_id = %s" % acct, "aws-account-id"),
        N("role_arn = arn:aws:iam::%s:role/deploy" % acct, "aws-arn"),
        N("STRIPE_PUBLISHABLE_KEY=pk_live_%s" % c.rnd(24), "stripe-publishable"),
        N("GOOGLE_CLIENT_ID=%d-%s.apps.googleusercontent.com" % (r.randint(10 ** 11, 10 ** 12),
                                                               c.rnd(32, "abcdefghijklmnopqrstuvwxyz0123456789")),
          "google-client-id"),
        N("SENTRY_DSN=https://%s@o%d.ingest.sentry.io/%d" % (c.rnd(32, HEX), r.randint(10 ** 5, 10 ** 6),
                                                            r.randint(10 ** 6, 10 ** 7)), "sentry-dsn"),
        N("GA_MEASUREMENT_ID=G-%s" % c.rnd(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), "ga-id"),
        N("FACEBOOK_APP_ID=%d" % r.randint(10 ** 14, 10 ** 15), "fb-app-id"),
        N("ALGOLIA_APP_ID=%s" % c.rnd(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), "algolia-app-id"),
        N("AZURE_TENANT_ID=%s" % uuid(c), "azure-tenant"),
        N("AZURE_CLIENT_ID=%s" % uuid(c), "azure-client-id"),
        N("GITHUB_APP_ID=%d" % r.randint(10 ** 5, 10 ** 6), "github-app-id"),
        N("GITHUB_CLIENT_ID=Iv1.%s" % c.rnd(16, HEX), "github-client-id"),
        N("SLACK_CLIENT_ID=%d.%d" % (r.randint(10 ** 11, 10 ** 12), r.randint(10 ** 12, 10 ** 13)), "slack-client-id"),
        N("aws_region = us-east-1", "region"),
    ]
    c.file(CAT, "public-ids/.env", "Twilio docs (Account SID is an identifier); AWS account ids; Stripe publishable keys;"
           " Google OAuth client ids; Sentry DSN docs", items)
    c.file(CAT, "public-ids/firebase-hosting.json", "Sentry/Stripe client-side config docs", [
        "{",
        N("  \"stripePublishableKey\": \"pk_live_%s\"," % c.rnd(24), "stripe-publishable"),
        N("  \"sentryDsn\": \"https://%s@o1.ingest.sentry.io/2\"," % c.rnd(32, HEX), "sentry-dsn"),
        N("  \"mapboxStyle\": \"mapbox://styles/example/%s\"" % c.rnd(25, "abcdefghijklmnopqrstuvwxyz0123456789"),
          "mapbox-style"),
        "}",
    ])


def invalid_checksums(c):
    items = []
    for prefix in ("ghp_", "gho_", "ghs_", "npm_"):
        for _ in range(2):
            body = c.rnd(30, B62)
            good = b62_crc(body)
            bad = good
            while bad == good:
                bad = c.rnd(6, B62)
            items.append(N("TOKEN=%s%s%s" % (prefix, body, bad), "invalid-checksum"))
    c.file(CAT, "invalid-checksum/tokens.env", "GitHub blog 2021-04-05: token checksum (CRC32); invalid ones are not tokens",
           items)


def uuid(c):
    h = c.rnd(32, HEX)
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], c.r.choice("89ab"), h[17:20], h[20:32])


def hashes_and_ids(c):
    items = [N("  \"id\": \"%s\"," % uuid(c), "uuid") for _ in range(4)]
    items += [N("  \"commit\": \"%s\"," % c.rnd(40, HEX), "git-sha") for _ in range(3)]
    items += [N("  \"request_id\": \"req_%s\"," % c.rnd(24), "request-id")]
    c.file(CAT, "ids/events.json", "common ids: RFC 9562 UUIDs, git object ids", ["{"] + items + ["  \"ok\": true", "}"])
    # npm package-lock.json: integrity is Subresource Integrity (sha512-base64)
    lk = ["{", "  \"lockfileVersion\": 3,", "  \"packages\": {"]
    for name in ("left-pad", "lodash", "express"):
        lk += ["    \"node_modules/%s\": {" % name,
               "      \"version\": \"%d.%d.%d\"," % (c.r.randint(0, 5), c.r.randint(0, 20), c.r.randint(0, 9)),
               "      \"resolved\": \"https://registry.npmjs.org/%s/-/%s-1.0.0.tgz\"," % (name, name),
               N("      \"integrity\": \"sha512-%s==\"" % c.rnd(86, B64), "lockfile-integrity"),
               "    },"]
    lk[-1] = "    }"
    lk += ["  }", "}"]
    c.file(CAT, "lockfiles/package-lock.json", "npm docs: package-lock.json (integrity); W3C SRI", lk)
    c.file(CAT, "lockfiles/yarn.lock", "Yarn docs: yarn.lock", [
        "lodash@^4.17.21:",
        "  version \"4.17.21\"",
        "  resolved \"https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#%s\"" % c.rnd(40, HEX),
        N("  integrity sha512-%s==" % c.rnd(86, B64), "lockfile-integrity"),
    ])
    c.file(CAT, "lockfiles/go.sum", "Go modules reference: go.sum", [
        N("github.com/pkg/errors v0.9.1 h1:%s=" % c.rnd(43, B64), "go-sum"),
        N("github.com/pkg/errors v0.9.1/go.mod h1:%s=" % c.rnd(43, B64), "go-sum"),
        N("golang.org/x/crypto v0.21.0 h1:%s=" % c.rnd(43, B64), "go-sum"),
    ])
    c.file(CAT, "lockfiles/Cargo.lock", "Cargo docs: Cargo.lock", [
        "[[package]]",
        "name = \"serde\"",
        "version = \"1.0.197\"",
        "source = \"registry+https://github.com/rust-lang/crates.io-index\"",
        N("checksum = \"%s\"" % c.rnd(64, HEX), "cargo-checksum"),
    ])
    c.file(CAT, "lockfiles/Pipfile.lock", "Pipenv docs: Pipfile.lock hashes", [
        "{\"default\": {\"requests\": {\"hashes\": [",
        N("    \"sha256:%s\"," % c.rnd(64, HEX), "pip-hash"),
        N("    \"sha256:%s\"" % c.rnd(64, HEX), "pip-hash"),
        "], \"version\": \"==2.31.0\"}}}",
    ])
    c.file(CAT, "lockfiles/SHA256SUMS", "sha256sum(1) output", [
        N("%s  leakwalk_1.0_amd64.deb" % c.rnd(64, HEX), "checksum"),
        N("%s  leakwalk-1.0.tar.gz" % c.rnd(64, HEX), "checksum"),
    ])
    c.file(CAT, "lockfiles/deployment.yaml", "OCI image digests", [
        N("        image: ghcr.io/example/app@sha256:%s" % c.rnd(64, HEX), "image-digest"),
    ])
    c.file(CAT, "lockfiles/index.html", "W3C Subresource Integrity; CSP nonce", [
        N("<script src=\"https://cdn.example.com/lib.min.js\" integrity=\"sha384-%s\" crossorigin=\"anonymous\"></script>"
          % c.rnd(64, B64), "sri"),
        N("<meta name=\"csrf-token\" content=\"{{ csrf_token() }}\">", "template"),
        N("<link rel=\"stylesheet\" href=\"/assets/app-%s.css\">" % c.rnd(32, HEX), "asset-hash"),
    ])
    # a real PNG, base64 in a data URI (RFC 2397)
    png = png_bytes(c)
    c.file(CAT, "images/logo.css", "RFC 2397 data URIs", [
        N(".logo { background: url(data:image/png;base64,%s); }" % b64(png), "data-uri"),
    ])
    c.file(CAT, "images/icon.svg.js", "RFC 2397 data URIs in bundles", [
        N("export const icon = 'data:image/png;base64,%s';" % b64(png_bytes(c)), "data-uri"),
    ])
    # hex colours, version strings, CSS
    c.file(CAT, "ids/theme.scss", "CSS colours", [N("$brand-%d: #%s;" % (n, c.rnd(6, HEX)), "colour") for n in range(4)])


def png_bytes(c):
    w = h = 16
    raw = b"".join(b"\x00" + bytes(c.r.randrange(256) for _ in range(w * 3)) for _ in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def encrypted(c):
    # ansible-vault(1) file format; SOPS encrypted values; Bitnami Sealed Secrets
    body = c.rnd(80 * 6, HEX)
    c.file(CAT, "encrypted/group_vars/all/vault.yml", "Ansible docs: ansible-vault file format", [
        N("$ANSIBLE_VAULT;1.1;AES256", "ansible-vault")] + [body[i:i + 80] for i in range(0, len(body), 80)])
    c.file(CAT, "encrypted/secrets.enc.yaml", "SOPS README: encrypted YAML values", [
        N("password: ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]" % (c.rnd(24, B64), c.rnd(43, B64) + "=",
                                                                        c.rnd(22, B64) + "=="), "sops"),
        "sops:",
        "    lastmodified: \"2024-05-01T10:00:00Z\"",
        N("    mac: ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]" % (c.rnd(88, B64), c.rnd(43, B64) + "=",
                                                                      c.rnd(22, B64) + "=="), "sops"),
        "    version: 3.8.1",
    ])
    c.file(CAT, "encrypted/sealed-secret.yaml", "Bitnami Sealed Secrets README", [
        "apiVersion: bitnami.com/v1alpha1",
        "kind: SealedSecret",
        "spec:",
        "  encryptedData:",
        N("    password: Ag%s" % c.rnd(600, B64), "sealed-secret"),
    ])
    c.file(CAT, "encrypted/config/credentials.yml.enc", "Rails guides: credentials.yml.enc (needs master.key)", [
        N("%s--%s--%s==" % (c.rnd(300, B64), c.rnd(16, B64), c.rnd(22, B64)), "rails-credentials-enc"),
    ])


def keys_and_certs(c):
    c.file(CAT, "keys/id_ed25519.pub", "ssh-keygen(1): public key file", [N(c.pubs["openssh-ed25519"], "ssh-public-key")])
    c.file(CAT, "keys/authorized_keys", "sshd(8): AUTHORIZED_KEYS FILE FORMAT", [
        N(c.pubs["openssh-rsa"], "ssh-public-key"),
        N("from=\"10.0.0.0/8\" " + c.pubs["openssh-ed25519"], "ssh-public-key")])
    c.file(CAT, "keys/known_hosts", "sshd(8): SSH_KNOWN_HOSTS FILE FORMAT", [
        N("github.com " + " ".join(c.pubs["openssh-ed25519"].split()[:2]), "known-hosts"),
        N("|1|%s=|%s= %s" % (c.rnd(27, B64), c.rnd(27, B64), " ".join(c.pubs["openssh-rsa"].split()[:2])), "known-hosts"),
    ])
    pub = c.pubs["pem"].strip("\n").split("\n")
    c.file(CAT, "keys/public.pem", "RFC 7468: public keys", [N(pub[0], "pem-public-key"), "\n".join(pub[1:])])
    cert = c.certs["ca"].strip("\n").split("\n")
    c.file(CAT, "keys/ca.crt", "RFC 7468: certificates", [N(cert[0], "certificate"), "\n".join(cert[1:])])
    c.file(CAT, "keys/jwks.json", "RFC 7517: JSON Web Key Set (public RSA key)", [
        "{\"keys\": [{",
        "  \"kty\": \"RSA\",",
        "  \"kid\": \"%s\"," % c.rnd(16, HEX),
        N("  \"n\": \"%s\"," % c.rnd(342, B64URL), "jwk-public"),
        N("  \"e\": \"AQAB\",", "jwk-public"),
        "  \"use\": \"sig\"",
        "}]}",
    ])
    c.file(CAT, "keys/ssh_config", "ssh_config(5)", [
        "Host bastion",
        "  HostName bastion.example.com",
        "  User ops",
        N("  IdentityFile ~/.ssh/id_ed25519", "key-path"),
        N("  PasswordAuthentication no", "setting"),
    ])


def prose(c):
    lines = [
        "The password must be at least 12 characters long and include a digit.",
        "Set the API key in Settings > Integrations before the first sync.",
        "Tokens expire after 30 days; create a new one with `leakwalk token create`.",
        "Never commit your secret key: put it in the SECRET_KEY environment variable.",
        "Reset your password at https://example.com/password/reset.",
        "If the password is wrong, the server answers 401 Unauthorized.",
        "The `password` field is hashed with Argon2id before it is stored.",
        "Use `--password-stdin` rather than `-p` so the password stays out of the shell history.",
        "See the password policy for details: minimum length 12, no reuse of the last 5 passwords.",
        "Secret scanning runs on every push; the secret is redacted in the report.",
        "Rotate the API token every 90 days.",
        "To get an access token, open Developer settings and click Generate new token.",
    ]
    c.file(CAT, "docs/SECURITY.md", "project documentation prose", [N(x, "prose") for x in lines])
    # a changelog citing commits and issue ids
    c.file(CAT, "docs/CHANGELOG.md", "Keep a Changelog", ["## 1.2.0"] +
           [N("- fix token refresh race (%s)" % c.rnd(40, HEX), "git-sha"),
            N("- password reset e-mails are sent again (%s, #%d)" % (c.rnd(12, HEX), c.r.randint(100, 999)), "git-sha"),
            N("- bump lodash to 4.17.21 (sha512 %s)" % c.rnd(32, B64), "hash")])


def logs_and_changelogs(c):
    """Test logs and release notes as tools write them: DejaGnu's and
    Automake's result lines ("PASS: name", DejaGnu manual, "Test output";
    Automake manual, "Simple Tests"), Debian and GNU changelog entries wrapped
    mid-sentence, a NEWS file listing new API symbols, a shell script saving
    the working directory. Compressed, as Debian installs them."""
    tests = ["ld-elf/shared", "gdb.base/break.exp: break main", "strip", "addr2line",
             "\"Run size-3e\"  \"-Wl,--no-as-needed tmpdir/libsize-3c.so\" \"\"  {size-3.c}"]
    c.file(CAT, "logs/test-summary.log", "DejaGnu summary", [N("PASS: " + t, "test-result") for t in tests] +
           [N("XFAIL: " + tests[1], "test-result"), N("UNSUPPORTED: " + tests[0], "test-result")])
    c.file(CAT, "logs/test-suite.log", "Automake parallel test harness", [
        N("PASS: test-passwd-parse", "test-result"), N("PASS: t/0001-login.sh 3 - password prompt", "test-result")])
    c.file(CAT, "debian/changelog", "Debian Policy 4.4 (debian/changelog)", [
        N("  * Fix the FTBFS with newer compilers, so that the test suite will", "prose"),
        N("    pass them.", "prose"),
        N("    pass CERT_SYSTEM_STORE_CURRENT_USER.", "prose"),
        N("    - 118_arm_pass_all.dpatch: Regenerated.", "prose"),
        N("\tpassword support.", "prose")])
    c.file(CAT, "NEWS", "GNU Coding Standards, NEWS file", [
        N("** API and ABI modifications:", "prose"),
        N("gnutls_utf8_password_normalize: Added", "api-symbol"),
        N("GNUTLS_PKCS_NULL_PASSWORD: Added", "api-symbol")])
    c.file(CAT, "scripts/ari.sh", "POSIX shell: PWD and command substitution", [
        N("    PWD = \"'`pwd`'\"", "shell-code")])
    c.file(CAT, "lib/uri_helper.rb", "RDoc: code examples indented in comments", [
        N("    #   uri = URI.parse(\"http://john:S3nsit1ve@my.example.com\")", "doc-example"),
        N("    #   uri.to_s  #=> \"http://sam:V3ry_S3nsit1ve@my.example.com\"", "doc-example")])
    c.file(CAT, "notes/proxy.txt", "RFC 2606 reserved names; a template port", [
        N("    export http_proxy=\"http://proxyuser:proxypass@proxyhost:port\"", "url-placeholder"),
        N("        http://Y%5CX:R%25S%5D%20%3FX@proxy.example:8000", "url-placeholder")])


def templates(c):
    """Shapes of secrets without one: documentation URLs with placeholder
    credentials, documented defaults, prefixes in code, truncated or
    placeholder keys and tokens, credential-file templates."""
    c.file(CAT, "templates/urls.md", "RFC 3986 examples; RabbitMQ docs (guest/guest default, localhost only)", [
        N(x, "url-placeholder") for x in [
            "    uri = URI.parse(\"http://user:password@example.com\")",
            "Use `postgres://USER:PASSWORD@HOST:5432/DB` as the connection string.",
            "export DATABASE_URL=postgresql://<user>:<password>@localhost/app",
            "REDIS_URL=redis://:${REDIS_PASSWORD}@redis:6379/0",
            "CELERY_BROKER_URL=amqp://guest:" + "guest@localhost:5672//",  # split: this source scans clean
            "proxy = http://username:password@proxy.example.com:8080",
            "git clone https://<token>@github.com/owner/repo.git",
            "mongodb://[username:password@]host1[:port1][,...hostN[:portN]][/[defaultauthdb][?options]]",
            "https://${GITHUB_ACTOR}:${GITHUB_TOKEN}@github.com/${GITHUB_REPOSITORY}.git",
        ]])
    c.file(CAT, "templates/hash_utils.py", "passlib/Django docs: hash identifiers", [
        N(x, "hash-prefix") for x in [
            "BCRYPT_PREFIXES = ('$2a$', '$2b$', '$2y$')",
            "if stored.startswith('$argon2id$'):",
            "assert encoded.startswith('pbkdf2_sha256$')",
            "SHA512_CRYPT = re.compile(r'^\\$6\\$(rounds=\\d+\\$)?[./0-9A-Za-z]{1,16}\\$[./0-9A-Za-z]{86}$')",
            "# crypt(5): $y$ yescrypt, $gy$ gost-yescrypt, $7$ scrypt, $6$ sha512crypt",
            "LOCKED = ('!', '*', '!!')",
        ]])
    c.file(CAT, "templates/keys.py", "RFC 7468 labels in code; placeholder keys in docs", [
        N(x, "key-placeholder") for x in [
            "if pem.startswith('-----BEGIN RSA PRIVATE KEY-----'):",
            "PEM_HEADER = b\"-----BEGIN OPENSSH PRIVATE KEY-----\"",
            "KEY = \"-----BEGIN PRIVATE KEY-----\\nYOUR_PRIVATE_KEY\\n-----END PRIVATE KEY-----\\n\"",
            "#   -----BEGIN EC PRIVATE KEY-----",
            "#   ...",
            "#   -----END EC PRIVATE KEY-----",
            "    \"private_key\": \"<paste the key from the JSON file here>\",",
        ]])
    c.file(CAT, "templates/tokens.md", "providers' docs: token placeholders", [
        N(x, "token-placeholder") for x in [
            "export GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "SLACK_BOT_TOKEN=xoxb-your-bot-token",
            "GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx",
            "const stripe = require('stripe')('sk_live_...');",
            "GOOGLE_API_KEY=AIzaSy...",
            "OPENAI_API_KEY=sk-...",
            "NPM_TOKEN=npm_<your-token>",
            "Authorization: Bearer <ACCESS_TOKEN>",
            "Authorization: Basic <base64(user:password)>",
        ]])
    c.file(CAT, "templates/credential-files.txt", "netrc(5), PostgreSQL Password File, docker login docs: templates", [
        N(x, "credential-template") for x in [
            "machine <host> login <user> password <password>",
            "hostname:port:database:username:password",
            "*:*:*:postgres:<password>",
            "    \"auth\": \"\"",
            "https://<username>:<token>@github.com",
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
            "define( 'DB_" + "PASSWORD', 'password_here' );",
            "define( 'AUTH_KEY',         'put your unique phrase here' );",
            "APP_KEY=",
            "SECRET_KEY = 'django-insecure-CHANGE-ME'",
        ]])
