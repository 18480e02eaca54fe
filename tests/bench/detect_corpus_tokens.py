"""Categories private-keys and provider-tokens. Keys and certificates are made
by openssl and ssh-keygen at corpus-build time (make_keys runs first: the
frameworks and negatives cases embed them too); provider tokens follow each
provider's published format."""
import json
import os

from detect_corpus_lib import P, N, b64, HEX, B64, B64URL, ALNUM, B32

KEYS = "private-keys"
TOK = "provider-tokens"


def make_keys(c):
    """c.keys: PEM/OpenSSH private keys; c.certs: certificates (not secrets);
    c.pubs: public keys (not secrets)."""
    t = c.tmp
    c.keys, c.certs, c.pubs = {}, {}, {}
    c.keys["rsa-pkcs1"] = c.run("openssl", "genrsa", "-traditional", "2048")
    c.keys["pkcs8-rsa"] = c.run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
    c.keys["ec"] = c.run("openssl", "ecparam", "-genkey", "-name", "prime256v1", "-noout")
    c.keys["pkcs8-ed25519"] = c.run("openssl", "genpkey", "-algorithm", "ed25519")
    c.keys["encrypted"] = c.run("openssl", "genpkey", "-algorithm", "ed25519", "-aes-256-cbc",
                                "-pass", "pass:" + c.strong(20))
    for kind, extra in (("ed25519", []), ("rsa", ["-b", "2048"])):
        path = os.path.join(t, "id_" + kind)
        if os.path.exists(path):
            os.remove(path)
            os.remove(path + ".pub")
        c.run("ssh-keygen", "-q", "-t", kind, *extra, "-N", "", "-C", "jdoe@laptop", "-f", path)
        c.keys["openssh-" + kind] = open(path).read()
        c.pubs["openssh-" + kind] = open(path + ".pub").read().strip()
    ec_path = os.path.join(t, "ec.key")
    with open(ec_path, "w") as f:
        f.write(c.keys["ec"])
    c.pubs["pem"] = c.run("openssl", "ec", "-in", ec_path, "-pubout")
    for name in ("ca", "client"):
        c.certs[name] = c.run("openssl", "req", "-x509", "-key", ec_path, "-subj", "/CN=%s.example.com" % name,
                              "-days", "365", "-sha256")


def pem_items(pem, kind):
    """A PEM block as corpus items: BEGIN line to END line is one secret."""
    lines = pem.strip("\n").split("\n")
    return [P(lines[0], kind, span=len(lines) - 1)] + ["\n".join(lines[1:])]


def build(c):
    private_keys(c)
    provider_tokens(c)
    tokens_in_code(c)


def private_keys(c):
    d = "RFC 7468 (PEM textual encodings); openssl-genpkey(1); ssh-keygen(1) (OpenSSH key format)"
    kf = "private-key-file"
    c.file(KEYS, "ssh/id_ed25519", d, pem_items(c.keys["openssh-ed25519"], "openssh"), 0o600, whole=kf)
    c.file(KEYS, "ssh/deploy_key", d, pem_items(c.keys["openssh-rsa"], "openssh"), 0o600, whole=kf)
    c.file(KEYS, "tls/server.key", d, pem_items(c.keys["rsa-pkcs1"], "pem-rsa"), whole=kf)
    c.file(KEYS, "tls/private.pem", d, pem_items(c.keys["pkcs8-rsa"], "pem-pkcs8"), whole=kf)
    c.file(KEYS, "tls/ec-p256.key", d, pem_items(c.keys["ec"], "pem-ec"), whole=kf)
    c.file(KEYS, "tls/signing-ed25519.pem", d, pem_items(c.keys["pkcs8-ed25519"], "pem-pkcs8"), whole=kf)
    c.file(KEYS, "tls/encrypted.pem", d, pem_items(c.keys["encrypted"], "pem-encrypted"), whole=kf)
    # PKCS#12 keystores (openssl-pkcs12(1) -export): binary, their presence is the leak
    ec_path, crt_path = os.path.join(c.tmp, "ec.key"), os.path.join(c.tmp, "client.crt")
    with open(crt_path, "w") as f:
        f.write(c.certs["client"])
    for name in ("tls/server.p12", "windows/iis-export.pfx"):
        p12 = os.path.join(c.tmp, "out.p12")
        c.run("openssl", "pkcs12", "-export", "-inkey", ec_path, "-in", crt_path, "-passout",
              "pass:" + c.weak(), "-out", p12)
        with open(p12, "rb") as f:
            c.raw(KEYS, name, f.read(), "openssl-pkcs12(1) -export", whole="pkcs12-keystore")
    # a bundle: certificate (not secret) then its key
    cert = c.certs["client"].strip("\n").split("\n")
    c.file(KEYS, "tls/bundle.pem", d, [N(cert[0], "certificate"), "\n".join(cert[1:])] +
           pem_items(c.keys["ec"], "pem-ec"))
    # Google Cloud docs "Create and delete service account keys": JSON key file,
    # the PEM in one JSON string with \n escapes
    sa = {"type": "service_account", "project_id": "shop-prod-%d" % c.r.randint(100000, 999999),
          "private_key_id": c.rnd(40, HEX), "private_key": c.keys["pkcs8-rsa"],
          "client_email": "deployer@shop-prod.iam.gserviceaccount.com",
          "client_id": str(c.r.randint(10 ** 20, 10 ** 21 - 1)),
          "auth_uri": "https://accounts.google.com/o/oauth2/auth",
          "token_uri": "https://oauth2.googleapis.com/token"}
    lines = json.dumps(sa, indent=2).split("\n")
    items = []
    for ln in lines:
        if "\"private_key\"" in ln:
            items.append(P(ln, "gcp-service-account-key"))
        elif "\"private_key_id\"" in ln:
            items.append(P(ln, "gcp-private-key-id"))
        else:
            items.append(ln)
    c.file(KEYS, "gcp/service-account.json", "Google Cloud docs: service account key files", items)
    # Helm chart values: a key in a YAML block scalar (Helm docs: values files)
    k = c.keys["ec"].strip("\n").split("\n")
    c.file(KEYS, "helm/values-prod.yaml", "Helm docs: values files; Kubernetes TLS secrets", [
        "ingress:",
        "  enabled: true",
        "  tls:",
        "    crt: |",
        "      " + "\n      ".join(c.certs["client"].strip("\n").split("\n")),
        "    key: |",
        P("      " + k[0], "pem-ec", span=len(k) - 1),
        "      " + "\n      ".join(k[1:]),
    ])
    # a key pasted into a test as a Python string
    k = c.keys["rsa-pkcs1"].strip("\n").split("\n")
    c.file(KEYS, "tests/test_signing.py", "common practice: keys pasted into tests", [
        "import jwt",
        "",
        P("PRIVATE_KEY = \"\"\"" + k[0], "pem-rsa", span=len(k) - 1),
        "\n".join(k[1:]) + "\"\"\"",
        "",
        "def test_sign():",
        "    assert jwt.encode({'sub': '1'}, PRIVATE_KEY, algorithm='RS256')",
    ])


def provider_tokens(c):
    r = c.r

    def aws_pair():
        return "AKIA" + c.rnd(16, B32), c.rnd(40, B64)
    # AWS CLI docs "Configuration and credential file settings"
    k1, s1 = aws_pair()
    k2, s2 = aws_pair()
    c.file(TOK, "aws/.aws/credentials", "AWS CLI docs: credentials file", [
        "[default]",
        P("aws_access_key_id = %s" % k1, "aws-key-id", k1),
        P("aws_secret_access_key = %s" % s1, "aws-secret", s1),
        "",
        "[deploy]",
        P("aws_access_key_id=%s" % k2, "aws-key-id", k2),
        P("aws_secret_access_key=%s" % s2, "aws-secret", s2),
        "region=eu-west-1",
    ])
    k3, s3 = aws_pair()
    # Terraform AWS provider docs: static credentials in the provider block
    c.file(TOK, "aws/main.tf", "Terraform AWS provider docs: static credentials", [
        "provider \"aws\" {",
        "  region     = \"us-west-2\"",
        P("  access_key = \"%s\"" % k3, "aws-key-id", k3),
        P("  secret_key = \"%s\"" % s3, "aws-secret", s3),
        "}",
    ])
    k4, s4 = aws_pair()
    sess = "IQoJb3JpZ2luX2VjE" + c.rnd(300, B64)
    c.file(TOK, "aws/ci.env", "AWS CLI docs: environment variables", [
        P("AWS_ACCESS_KEY_ID=%s" % ("ASIA" + k4[4:]), "aws-key-id"),
        P("AWS_SECRET_ACCESS_KEY=%s" % s4, "aws-secret", s4),
        P("AWS_SESSION_TOKEN=%s" % sess, "aws-session-token"),
        "AWS_DEFAULT_REGION=us-east-1",
    ])
    k5, s5 = aws_pair()
    c.file(TOK, "aws/upload.py", "boto3 docs: Credentials (passing credentials as parameters)", [
        "import boto3",
        "",
        "s3 = boto3.client(",
        "    's3',",
        P("    aws_access_key_id='%s'," % k5, "aws-key-id", k5),
        P("    aws_secret_access_key='%s'," % s5, "aws-secret", s5),
        ")",
    ])
    # GitHub docs "About authentication to GitHub: GitHub's token formats"
    gh = [c.b62_checksummed(p) for p in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")]
    fg = "github_pat_" + c.rnd(22, ALNUM) + "_" + c.rnd(59, ALNUM)
    c.file(TOK, "github/.github/workflows/release.yml", "GitHub docs: GitHub's token formats", [
        "name: release",
        "on: push",
        "env:",
        P("  GH_TOKEN: %s" % gh[0], "github-pat", gh[0]),
        "jobs:",
        "  publish:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "        with:",
        P("          token: %s" % fg, "github-fine-grained", fg),
    ])
    c.file(TOK, "github/scripts/sync.sh", "GitHub docs: GitHub's token formats", [
        "#!/bin/bash",
        P("export GITHUB_TOKEN=%s" % gh[1], "github-oauth", gh[1]),
        P("curl -H \"Authorization: token %s\" https://api.github.com/user" % gh[2], "github-user-to-server", gh[2]),
        P("APP_INSTALLATION_TOKEN='%s'" % gh[3], "github-server-to-server", gh[3]),
        P("REFRESH=%s" % gh[4], "github-refresh", gh[4]),
    ])
    # GitLab docs "Personal access tokens" (glpat- prefix), "Token overview"
    gl = "glpat-" + c.rnd(20, ALNUM + "-_")
    glr = "glrt-" + c.rnd(20, ALNUM + "-_")
    c.file(TOK, "gitlab/.gitlab-ci.yml", "GitLab docs: Token overview (glpat-, glrt-)", [
        "variables:",
        P("  GITLAB_API_TOKEN: %s" % gl, "gitlab-pat", gl),
        "stages: [deploy]",
        "register:",
        "  script:",
        P("    - gitlab-runner register --token %s --url https://gitlab.example.com" % glr, "gitlab-runner", glr),
    ])
    # Slack docs "Token types" (xoxb-, xoxp-, xapp-) and "Sending messages using incoming webhooks"
    xb = "xoxb-%d-%d-%s" % (r.randint(10 ** 10, 10 ** 12), r.randint(10 ** 12, 10 ** 13), c.rnd(24))
    xp = "xoxp-%d-%d-%d-%s" % (r.randint(10 ** 10, 10 ** 12), r.randint(10 ** 10, 10 ** 12),
                               r.randint(10 ** 12, 10 ** 13), c.rnd(32, HEX))
    xa = "xapp-1-A%s-%d-%s" % (c.rnd(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), r.randint(10 ** 12, 10 ** 13),
                               c.rnd(64, HEX))
    hook = "https://hooks.slack.com/services/T%s/B%s/%s" % (
        c.rnd(8, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), c.rnd(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), c.rnd(24))
    c.file(TOK, "slack/config/slack.json", "Slack docs: Token types; Incoming webhooks", [
        "{",
        P("  \"bot_token\": \"%s\"," % xb, "slack-bot", xb),
        P("  \"user_token\": \"%s\"," % xp, "slack-user", xp),
        P("  \"app_token\": \"%s\"," % xa, "slack-app", xa),
        P("  \"webhook\": \"%s\"," % hook, "slack-webhook", hook),
        "  \"channel\": \"#deploys\"",
        "}",
    ])
    # Stripe docs "API keys" (sk_live_, rk_live_; 24-char legacy and long forms)
    sk = "sk_live_" + c.rnd(24)
    sk2 = "sk_live_51" + c.rnd(97)
    rk = "rk_live_" + c.rnd(24)
    whsec = "whsec_" + c.rnd(32)
    c.file(TOK, "stripe/config/stripe.php", "Stripe docs: API keys; Webhooks signing secret", [
        "<?php",
        "return [",
        P("    'secret' => '%s'," % sk, "stripe-secret", sk),
        P("    'restricted' => '%s'," % rk, "stripe-restricted", rk),
        P("    'webhook_secret' => '%s'," % whsec, "stripe-webhook", whsec),
        "];",
    ])
    c.file(TOK, "stripe/server.js", "Stripe docs: API keys", [
        P("const stripe = require('stripe')('%s');" % sk2, "stripe-secret", sk2),
        "const express = require('express');",
    ])
    # Google Cloud docs "Using API keys" (AIza + 35), OAuth client secrets (GOCSPX-)
    ak = "AIza" + c.rnd(35, ALNUM + "-_")
    cs = "GOCSPX-" + c.rnd(28, ALNUM + "-_")
    c.file(TOK, "google/src/environments/environment.prod.ts", "Google Cloud docs: API keys", [
        "export const environment = {",
        "  production: true,",
        P("  mapsApiKey: '%s'," % ak, "google-api-key", ak),
        "};",
    ])
    c.file(TOK, "google/client_secret.json", "Google docs: OAuth 2.0 client secrets file", [
        "{\"web\":{\"client_id\":\"%d-%s.apps.googleusercontent.com\",\"project_id\":\"shop\","
        % (r.randint(10 ** 11, 10 ** 12), c.rnd(32, "abcdefghijklmnopqrstuvwxyz0123456789")),
        P("\"client_secret\":\"%s\"," % cs, "google-oauth-secret", cs),
        "\"redirect_uris\":[\"https://shop.example.com/oauth2callback\"]}}",
    ])
    # npm docs "About access tokens" (npm_ + 36, checksummed like GitHub's)
    npm = c.b62_checksummed("npm_")
    c.file(TOK, "npm/.github/workflows/publish.yml", "npm docs: About access tokens", [
        "jobs:",
        "  publish:",
        "    env:",
        P("      NODE_AUTH_TOKEN: %s" % npm, "npm-token", npm),
    ])
    # Other providers' documented formats, one realistic line each
    lines = [
        ("SENDGRID_API_KEY=SG.%s.%s" % (c.rnd(22, B64URL), c.rnd(43, B64URL)), "sendgrid", "SendGrid docs: API keys"),
        ("TWILIO_API_KEY=SK%s" % c.rnd(32, HEX), "twilio-api-key", "Twilio docs: API keys (SK...)"),
        ("MAILGUN_API_KEY=key-%s" % c.rnd(32, HEX), "mailgun", "Mailgun docs: API keys"),
        ("OPENAI_API_KEY=sk-proj-%sT3BlbkFJ%s" % (c.rnd(74, B64URL), c.rnd(74, B64URL)), "openai", "OpenAI docs: API keys"),
        ("ANTHROPIC_API_KEY=sk-ant-api03-%sAA" % c.rnd(93, B64URL), "anthropic", "Anthropic docs: API keys"),
        ("SHOPIFY_ACCESS_TOKEN=shpat_%s" % c.rnd(32, HEX), "shopify", "Shopify docs: access tokens (shpat_)"),
        ("DIGITALOCEAN_TOKEN=dop_v1_%s" % c.rnd(64, HEX), "digitalocean", "DigitalOcean docs: personal access tokens"),
        ("VAULT_TOKEN=hvs.%s" % c.rnd(90, B64URL), "vault", "HashiCorp Vault docs: token prefixes (hvs.)"),
        ("HF_TOKEN=hf_%s" % c.rnd(34, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), "huggingface",
         "Hugging Face docs: User access tokens"),
        ("TELEGRAM_BOT_TOKEN=%d:AA%s" % (r.randint(10 ** 9, 7 * 10 ** 9), c.rnd(33, B64URL)), "telegram",
         "Telegram Bot API: Authorizing your bot"),
        ("DISCORD_WEBHOOK=https://discord.com/api/webhooks/%d/%s" % (r.randint(10 ** 17, 10 ** 18), c.rnd(68, B64URL)),
         "discord-webhook", "Discord docs: Webhook resource"),
        ("DATABRICKS_TOKEN=dapi%s" % c.rnd(32, HEX), "databricks", "Databricks docs: personal access tokens"),
        ("POSTMAN_API_KEY=PMAK-%s-%s" % (c.rnd(24, HEX), c.rnd(34, HEX)), "postman", "Postman docs: API keys"),
        ("GRAFANA_TOKEN=glsa_%s_%s" % (c.rnd(32), c.rnd(8, HEX)), "grafana", "Grafana docs: service account tokens"),
        ("NEW_RELIC_API_KEY=NRAK-%s" % c.rnd(27, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), "newrelic",
         "New Relic docs: API keys"),
        ("DOPPLER_TOKEN=dp.st.prd.%s" % c.rnd(43), "doppler", "Doppler docs: service tokens"),
        ("LINEAR_API_KEY=lin_api_%s" % c.rnd(40), "linear", "Linear docs: API (personal API keys)"),
        ("SQUARE_ACCESS_TOKEN=EAAA%s" % c.rnd(60, ALNUM + "-_"), "square", "Square docs: access tokens"),
        ("PYPI_TOKEN=pypi-AgEIcHlwaS5vcmc%s" % c.rnd(150, B64URL), "pypi", "PyPI docs: API tokens (macaroons)"),
        ("SOPS_AGE_KEY=AGE-SECRET-KEY-1%s" % c.rnd(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".upper()), "age",
         "age spec: X25519 identity (Bech32)"),
        ("AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=shopassets;AccountKey=%s;"
         "EndpointSuffix=core.windows.net" % b64(bytes(r.randrange(256) for _ in range(64))), "azure-storage",
         "Azure docs: Configure Azure Storage connection strings"),
        ("RUBYGEMS_API_KEY=rubygems_%s" % c.rnd(48, HEX), "rubygems", "RubyGems guides: API key scopes"),
        ("DOCKERHUB_TOKEN=dckr_pat_%s" % c.rnd(27, ALNUM + "-_"), "dockerhub", "Docker docs: personal access tokens"),
        ("CLOUDFLARE_API_TOKEN=%s" % c.rnd(40, ALNUM + "-_"), "cloudflare", "Cloudflare docs: API tokens"),
        ("DD_API_KEY=%s" % c.rnd(32, HEX), "datadog", "Datadog docs: API and application keys"),
        ("SENTRY_AUTH_TOKEN=sntrys_%s" % c.rnd(100, B64), "sentry", "Sentry docs: auth tokens (sntrys_)"),
    ]
    items = ["# production secrets for the worker (do not commit!)"]
    for text, kind, doc in lines:
        items.append(P(text, kind))
    c.file(TOK, "misc/worker.env", "; ".join(sorted(set(d for _, _, d in lines))), items)
    # the same tokens in code, in the shape SDK quick starts use
    tw_sid = "AC" + c.rnd(32, HEX)
    tw_tok = c.rnd(32, HEX)
    c.file(TOK, "misc/notify.py", "Twilio docs: Python quickstart; SendGrid docs: v3 API", [
        "from twilio.rest import Client",
        "",
        "account_sid = '%s'" % tw_sid,
        P("auth_token = '%s'" % tw_tok, "twilio-auth-token", tw_tok),
        "client = Client(account_sid, auth_token)",
        P("sg = SendGridAPIClient('SG.%s.%s')" % (c.rnd(22, B64URL), c.rnd(43, B64URL)), "sendgrid"),
    ])


def tokens_in_code(c):
    """Provider tokens where no key name says "secret": SDK constructors,
    headers, URLs, lists, comments (the provider's format alone tells)."""
    r = c.r
    ghp, npm = c.b62_checksummed("ghp_"), c.b62_checksummed("npm_")
    k1, s1 = "AKIA" + c.rnd(16, B32), c.rnd(40, B64)
    lines = [
        ("const octokit = new Octokit({ auth: '%s' });" % c.b62_checksummed("ghp_"), "github-pat",
         "Octokit docs: authentication"),
        ("git clone https://%s@github.com/example/private-repo.git" % ghp, "github-pat",
         "GitHub docs: cloning with a PAT in the URL"),
        ("const web = new WebClient('xoxb-%d-%d-%s');" % (r.randint(10 ** 10, 10 ** 12), r.randint(10 ** 12, 10 ** 13),
                                                         c.rnd(24)), "slack-bot", "Slack docs: Node SDK WebClient"),
        ("requests.post('https://hooks.slack.com/services/T%s/B%s/%s', json=msg)" % (
            c.rnd(8, B32), c.rnd(10, B32), c.rnd(24)), "slack-webhook", "Slack docs: incoming webhooks"),
        ("stripe = Stripe::StripeClient.new('sk_live_%s')" % c.rnd(24), "stripe-secret", "Stripe docs: Ruby client"),
        ("client = OpenAI(api_key=\"sk-proj-%sT3BlbkFJ%s\")" % (c.rnd(74, B64URL), c.rnd(74, B64URL)), "openai",
         "OpenAI docs: Python client"),
        ("headers = {\"x-api-key\": \"sk-ant-api03-%sAA\"}" % c.rnd(93, B64URL), "anthropic", "Anthropic docs: API headers"),
        ("headers = {'PRIVATE-TOKEN': 'glpat-%s'}" % c.rnd(20, ALNUM + "-_"), "gitlab-pat",
         "GitLab docs: REST API authentication (PRIVATE-TOKEN header)"),
        ("bot = Bot('%d:AA%s')" % (r.randint(10 ** 9, 7 * 10 ** 9), c.rnd(33, B64URL)), "telegram",
         "python-telegram-bot docs"),
        ("sg = sendgrid.SendGridAPIClient('SG.%s.%s')" % (c.rnd(22, B64URL), c.rnd(43, B64URL)), "sendgrid",
         "SendGrid docs: Python library"),
        ("fetch(`https://maps.googleapis.com/maps/api/geocode/json?address=${q}&key=AIza%s`)" % c.rnd(35, ALNUM + "-_"),
         "google-api-key", "Google Maps Platform docs: API key parameter"),
        ("curl -H 'Authorization: Bearer dop_v1_%s' https://api.digitalocean.com/v2/droplets" % c.rnd(64, HEX),
         "digitalocean", "DigitalOcean API docs"),
        ("  - %s" % k1, "aws-key-id", "AWS IAM docs: access key ids"),
        ("  - %s" % s1, "aws-secret", "AWS IAM docs: secret access keys"),
        ("# old credentials, rotated? %s %s" % ("AKIA" + c.rnd(16, B32), c.rnd(40, B64)), "aws-key-id",
         "common practice: keys left in comments"),
        ("echo '//registry.npmjs.org/:_authToken=%s' > ~/.npmrc" % npm, "npm-token", "npm docs: CI tokens"),
        ("login(\"hf_%s\")" % c.rnd(34, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), "huggingface",
         "huggingface_hub docs: login()"),
        ("shopify.Session.setup(api_key=KEY, secret='shpss_%s')" % c.rnd(32, HEX), "shopify",
         "Shopify docs: app shared secret (shpss_)"),
        ("$client = new \\Twilio\\Rest\\Client('AC%s', '%s');" % (c.rnd(32, HEX), c.rnd(32, HEX)), "twilio-auth-token",
         "Twilio docs: PHP quickstart"),
        ("mg = Mailgun(\"key-%s\", \"mg.example.com\")" % c.rnd(32, HEX), "mailgun", "Mailgun docs"),
        ("vault login hvs.%s" % c.rnd(90, B64URL), "vault", "Vault docs: vault login"),
        ("  \"token\": \"xoxp-%d-%d-%d-%s\"" % (r.randint(10 ** 10, 10 ** 12), r.randint(10 ** 10, 10 ** 12),
                                              r.randint(10 ** 12, 10 ** 13), c.rnd(32, HEX)), "slack-user",
         "Slack docs: user tokens"),
    ]
    items = []
    for text, kind, _doc in lines:
        items.append(P(text, kind))
        items.append("")
    c.file(TOK, "in-code/snippets.txt", "; ".join(sorted(set(d for _, _, d in lines))), items)
