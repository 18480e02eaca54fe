#!/bin/bash
# detect_generic.sh - passwords and secrets assigned in every common syntax
# are found at the exact path and line; code, references, templates,
# placeholders, types and prose in the same places are not; adversarial
# lines stay bounded in time.
#
# Cases follow each format's documentation (shell/dotenv, INI, TOML, YAML,
# JSON, XML, HCL, PHP define() and arrays, Python/Ruby/JS/TS/Go/Java/C#/
# Kotlin assignments, keyword arguments, object literals, the positional
# password of smtplib/ftplib login, mysqli_connect, new mysqli, PDO,
# DriverManager.getConnection and NetworkCredential, SQL CREATE USER) and
# what people write in them. Every value is made at run time: random
# passwords full of punctuation, and weak ones a person picks.
. "$LW_TESTS_DIR/lib.sh"

mkdir -p w/src w/conf w/build
cd w || exit 1
EXPECT="$LW_TMP/expect.tsv"
: >"$EXPECT"

# emit FILE TEXT [SECRET]: appends TEXT as a line of FILE; with SECRET, that
# line must yield exactly one finding whose secret is SECRET
emit() {
	printf '%s\n' "$2" >>"$1"
	if [ $# -ge 3 ]; then
		printf '%s\t%s\t%s\n' "$1" "$(wc -l <"$1" | tr -d ' ')" "$3" >>"$EXPECT"
	fi
}
# a random password holding ; % ] > , : ( ) = ^ ! { } # and $ (no quote,
# backslash, space, '<' or '&', so it is valid unescaped in every syntax here)
pp() {
	local b
	b=$(rand_secret 16)
	printf '%s' "${b:0:3}!${b:3:3};%${b:6:3}]>,:(${b:9:3})={${b:12:2}}^#${b:14:2}\$"
}
tok() { printf '%s' "$(rand_secret 24)"; }
W1='hunter22' W2='Summer2024!' W3='p@ss;w%rd]>'

# --- shell and dotenv -------------------------------------------------------
v=$(pp); emit .env "APP_PASSWORD=$v" "$v"
emit .env "SMTP_PASS=$W2" "$W2"
v=$(pp); emit .env "export MAIL_PASSWD='$v'" "$v"
v=$(pp); emit .env "REDIS_PWD=\"$v\"" "$v"
v=$(tok); emit .env "SERVICE_TOKEN=$v" "$v"
# stopwords are whole words: "bar" or "SecrEt" inside a random token keep it
v=$(tok); v="${v:0:9}bar${v:9}"; emit .env "CACHE_TOKEN=$v" "$v"
v=$(tok); v="${v:0:7}SecrEt${v:7}"; emit conf/keys.json "{\"client_secret\": \"$v\"}" "$v"
# 32 hex digits (seeded like rand_secret, so the same in every run)
v=$(rand_secret | sha256sum | cut -c1-32); emit .env "WEBHOOK_SECRET=$v" "$v"
emit .env "SMTPPASS=$W1" "$W1"
emit .env "LDAP_PASS=$W3   # rotated monthly" "$W3"
v=$(pp); emit src/deploy.sh "PASS='$v'" "$v"
emit src/deploy.sh "export APP_PASSWORD=\"$W1\"" "$W1"
v=$(pp); emit src/deploy.sh "  local admin_password=$v" "$v"

# --- INI, properties, TOML, YAML ----------------------------------------------
emit conf/app.ini "[mail]"
v=$(pp); emit conf/app.ini "password = $v" "$v"
emit conf/app.ini "pass=$W1" "$W1"
v=$(pp); emit conf/app.properties "mail.smtp.password=$v" "$v"
emit conf/app.properties "app.admin.password     : $W2" "$W2"
v=$(pp); emit conf/app.toml "password = \"$v\"" "$v"
v=$(pp); emit conf/app.toml "admin_pass = '$v'" "$v"
v=$(tok); emit conf/app.toml "api_key = \"$v\"" "$v"
emit conf/app.yml "mail:"
emit conf/app.yml "  password: $W2" "$W2"
v=$(pp); emit conf/app.yml "  smtp_password: \"$v\"" "$v"
v=$(pp); emit conf/app.yml "  relay_pass: '$v'" "$v"
v=$(tok); emit conf/app.yml "  client_secret: $v" "$v"
emit conf/app.yml "  - DB_PASSWORD=$W3" "$W3"

# directive files: msmtprc, redis.conf, wpa_supplicant.conf
emit conf/msmtprc "account default"
emit conf/msmtprc "password   $W2" "$W2"
v=$(pp); emit conf/redis.conf "requirepass $v" "$v"
emit conf/wpa_supplicant.conf "network={"
emit conf/wpa_supplicant.conf "    ssid=\"office\""
v=$(pp); emit conf/wpa_supplicant.conf "    psk=\"$v\"" "$v"
emit conf/wpa_supplicant.conf "}"

# --- JSON, XML, HCL -----------------------------------------------------------
emit conf/app.json "{"
v=$(pp); emit conf/app.json "  \"password\": \"$v\"," "$v"
emit conf/app.json "  \"replica\": {\"user\": \"ro\", \"Password\":\"$W1\"}," "$W1"
v=$(tok); emit conf/app.json "  \"apiKey\": \"$v\"" "$v"
emit conf/app.json "}"
v=$(pp); emit conf/app.xml "<password>$v</password>" "$v"
v=$(pp); emit conf/app.xml "  <user name=\"svc\" password=\"$v\" />" "$v"
emit conf/app.xml "  <add key=\"Smtp.Password\" value=\"$W2\"/>" "$W2"
v=$(pp); emit conf/app.xml "  <property name=\"hibernate.connection.password\">$v</property>" "$v"
v=$(pp); emit conf/main.tf "  password            = \"$v\"" "$v"

# name/value pairs: Kubernetes env, ECS task definitions, Hadoop/Hive XML
emit conf/deploy.yaml "      env:"
emit conf/deploy.yaml "        - name: DB_PASSWORD"
v=$(pp); emit conf/deploy.yaml "          value: \"$v\"" "$v"
emit conf/deploy.yaml "        - name: API_PASSWORD"
emit conf/deploy.yaml "          valueFrom:"
emit conf/deploy.yaml "            secretKeyRef: {name: api, key: password}"
v=$(pp); emit conf/task.json "  \"environment\": [{\"name\": \"MYSQL_PASSWORD\", \"value\": \"$v\"}]," "$v"
emit conf/hive-site.xml "<property>"
emit conf/hive-site.xml "  <name>javax.jdo.option.ConnectionPassword</name>"
emit conf/hive-site.xml "  <value>$W2</value>" "$W2"
emit conf/hive-site.xml "</property>"

# --- PHP ----------------------------------------------------------------------
emit src/config.php "<?php"
v=$(pp); emit src/config.php "define( 'DB_PASSWORD', '$v' );" "$v"
v=$(pp); emit src/config.php "\$dbpass = \"$v\";" "$v"
emit src/config.php "\$cfg = array('password' => '$W2');" "$W2"
emit src/config.php "\$db['default']['password'] = '$W1';" "$W1"
v=$(pp); emit src/config.php "\$link = mysqli_connect('db', 'app', '$v');" "$v"
v=$(pp); emit src/config.php "\$m = new mysqli(\$host, \$user, \"$v\");" "$v"
emit src/config.php "\$pdo = new PDO(\$dsn, 'app', '$W3');" "$W3"

# --- Python, Ruby, JS/TS, Go, Java, C#, Kotlin ---------------------------------
v=$(pp); emit src/app.py "password = \"$v\"" "$v"
emit src/app.py "conn = psycopg2.connect(host=\"db\", user=\"app\", password=\"$W1\")" "$W1"
v=$(pp); emit src/app.py "server.login(\"ops@corp.test\", \"$v\")" "$v"
v=$(pp); emit src/app.py "DATABASES = {'default': {'PASSWORD': '$v'}}" "$v"
v=$(pp); emit src/app.py "    smtp_pass: str = '$v'" "$v"
emit src/app.py "ftp.login('deploy', '$W2')" "$W2"
v=$(pp); emit src/app.rb "config.password = '$v'" "$v"
emit src/app.rb "opts = { :password => \"$W3\" }" "$W3"
v=$(pp); emit src/app.js "const cfg = {user: 'u', password: '$v'};" "$v"
v=$(tok); emit src/app.js "const authToken = \`$v\`;" "$v"
v=$(pp); emit src/app.ts "const dbPassword: string = \"$v\";" "$v"
v=$(pp); emit src/main.go "	password := \"$v\"" "$v"
emit src/main.go "	const adminPass = \"$W2\"" "$W2"
v=$(pp); emit src/Main.java "    private String password = \"$v\";" "$v"
emit src/Main.java "    Connection c = DriverManager.getConnection(url, \"app\", \"$W1\");" "$W1"
v=$(pp); emit src/Program.cs "var cred = new NetworkCredential(user, \"$v\");" "$v"
emit src/Program.cs "    Password = \"$W3\"," "$W3"
v=$(pp); emit src/App.kt "val password = \"$v\"" "$v"

v=$(pp); emit src/Main.java "    props.put(\"mail.smtp.password\", \"$v\");" "$v"
v=$(pp); emit src/db.py "conn = psycopg2.connect(\"host=db dbname=app user=app password=$v\")" "$v"
emit src/login.ps1 "\$sec = ConvertTo-SecureString '$W2' -AsPlainText -Force" "$W2"

# --- build and deploy DSLs, command lines -----------------------------------------
emit build.gradle "repositories { maven {"
emit build.gradle "    credentials {"
emit build.gradle "        username 'deploy'"
v=$(pp); emit build.gradle "        password '$v'" "$v"
emit build.gradle "} } }"
v=$(pp); emit src/deploy.rb "set :scm_password, \"$v\"" "$v"
v=$(pp); emit src/backup.sh "pg_backup --host db --db-password='$v' app" "$v"
emit src/backup.sh "sync-tool --admin-passwd=$W1 --base dc=corp" "$W1"

# --- SQL ------------------------------------------------------------------------
v=$(pp); emit src/init.sql "CREATE USER 'app'@'%' IDENTIFIED BY '$v';" "$v"
emit src/init.sql "ALTER ROLE report WITH LOGIN PASSWORD '$W2';" "$W2"

# --- C preprocessor, positional passwords of well-known APIs, more typed forms --------
# pt: a random password holding the marks of templates without their shape
# ("}}", "$(", "%s" between letters, "<" before punctuation, a leading "_")
pt() {
	local b
	b=$(rand_secret 16)
	printf '%s' "_${b:0:3}}}${b:3:3}\$(${b:6:3}%s${b:9:3}<!${b:12:2}>{${b:14:2}"
}
# a weak password that looks like a dotted name: quoted, it is a string
W4="$(printf 'river.stone%d' $((RANDOM % 90 + 10)))"
v=$(pp); emit src/wifi.ino "#define MQTT_PASSWORD \"$v\"" "$v"
v=$(tok); emit src/wifi.ino "static const char api_key[] = \"$v\";" "$v"
v=$(pt); emit src/wifi.ino "char wifi_password[] = \"$v\";" "$v"
v=$(pp); emit src/mail.go "	auth := smtp.PlainAuth(\"\", \"mailer@corp.test\", \"$v\", \"smtp.corp.test\")" "$v"
v=$(pt); emit src/db.js "const sequelize = new Sequelize('app', 'app', '$v', { dialect: 'postgres' });" "$v"
v=$(pp); emit src/client.py "ftp = ftplib.FTP('ftp.corp.test', 'upload', '$v')" "$v"
emit src/client.py "ftps = FTP_TLS(\"ftp.corp.test\", \"upload\", \"$W2\")" "$W2"
v=$(pt); emit src/client.py "smtplib.SMTP('smtp.corp.test', 587).login('ops', '$v')" "$v"
v=$(pt); emit src/client.py "conn = pymysql.connect(host='db', user='root', passwd='$v', db='shop')" "$v"
v=$(pp); emit src/connect.php "ldap_bind(\$ds, 'cn=admin,dc=corp,dc=test', '$v');" "$v"
emit src/connect.php "mysqli_real_connect(\$link, 'db', 'app', '$W3', 'shop');" "$W3"
v=$(pt); emit src/deploy.pl "my \$dbh = DBI->connect('dbi:mysql:app', 'root', '$v');" "$v"
emit src/report.R "con <- dbConnect(RPostgres::Postgres(), dbname = \"app\", user = \"analyst\", password = \"$W4\")" "$W4"
v=$(pt); emit src/mongo-init.js "db.createUser({ user: \"app\", pwd: \"$v\", roles: [] });" "$v"
emit src/mongo-init.js "db.auth(\"admin\", \"$W1\");" "$W1"
v=$(pp); emit src/Mail.java "        return new PasswordAuthentication(user, \"$v\".toCharArray());" "$v"
v=$(tok); v="}}${v:0:8}[%{${v:8:8}?<${v:16}"; emit src/Mail.java "    String apiKey = \"$v\";" "$v"
emit src/config.rb "password = \"$W4\"" "$W4"
v=$(pp); emit src/config.rb "Net::SMTP.start('smtp.corp.test', 587, 'corp.test', 'mailer', '$v', :plain)" "$v"
emit src/Module1.vb "    Dim password As String = \"$W2\"" "$W2"
v=$(pt); emit src/lib.rs "let password: &str = \"$v\";" "$v"
v=$(pt); emit Jenkinsfile "    script { def dbPassword = '$v' }" "$v"
emit conf/replica.yml "  replica: {user: ro, password: $W1}" "$W1"
# flow collections end a plain value at "," "[" "]" "{" "}" (YAML 1.2, 7.3.3)
v=$(pp | tr -d ',[]{}'); emit conf/replica.yml "  standby: { user: ro, db_password: $v }" "$v"
emit conf/inventory.ini "web1.corp.test ansible_user=admin ansible_password=$W2" "$W2"
v=$(tok); v="${v:0:6}+${v:6:4}%.${v:10}"; emit Dockerfile "ARG NPM_TOKEN=$v" "$v"
emit Dockerfile "ENV DB_PASSWORD=$W1" "$W1"
v=$(tok); v="${v:0:5}^${v:5:5}^${v:10:4}%s${v:14}"; emit conf/prod.env "SESSION_SECRET=$v" "$v"
v=$(pp); emit src/ci.sh "sshpass -p $v ssh deploy@web1 uptime" "$v"
emit src/ci.sh "htpasswd -b -c /etc/nginx/.htpasswd admin $W2" "$W2"

# weak values a person chose for an explicit API-key or secret-key name: a
# word, maybe a second one, and digits (no entropy floor for these names)
WS="$(printf 'thunder%d' $((RANDOM % 90 + 10)))" WU="$(printf 'michael_monkey%d' $((RANDOM % 9 + 1)))"
emit conf/compose.yml "      SECRET_KEY_BASE: \"$WS\"" "$WS"
emit conf/shell.rc "export JIRA_API_TOKEN=$WU" "$WU"
emit src/Config.kt "    const val API_KEY = \"$WS\"" "$WS"
emit src/Mailer.cs "    private const string ApiKey = \"$WS\";" "$WS"

# Makefile variables (GNU make manual, "Setting Variables"): = := ::= ?= +=,
# the value runs to the end of the line or to a comment
v=$(pp | tr -d '#$'); emit Makefile "DB_PASSWORD ?= $v" "$v"
emit Makefile "override REGISTRY_PASS := $W3" "$W3"
v=$(tok); v="${v:0:4}&=${v:4:6}|${v:10}"; emit Makefile "API_TOKEN := $v   # ci only" "$v"
emit Makefile 'PASSWORD ?= $(shell pass show db)'
emit Makefile 'PASSWORD_FILE = /run/secrets/db'
emit Makefile 'passwd: passwd.o util.o'
emit Makefile '	$(CC) -o $@ $^'
emit build/config.mk "export SMTP_PASSWORD = \"$W1\"" "$W1"

# Hiera keys are namespaced (profile::db::password); an env value may begin with
# '~'; XML attribute values are strings, dotted or not; CMS salts and keys
v=$(pp); emit conf/common.yaml "profile::db::password: '$v'" "$v"
emit conf/common.yaml "profile::mysql::root_password: $W1" "$W1"
v=$(pp); v="~${v}"; emit conf/laravel.env "DB_PASSWORD=$v" "$v"
emit conf/Web.config "    <add key=\"SmtpPassword\" value=\"$W4\" />" "$W4"
v=$(tok); emit src/settings.php "\$settings['hash_salt'] = '$v';" "$v"
v=$(pt); emit src/wp-config.php "define('LOGGED_IN_KEY',    '$v');" "$v"

# go-sql-driver DSN (user:password@tcp(host:port)/db) and Terraform variable defaults
v=$(pp | tr -d '@'); emit src/store.go "	db, _ := sql.Open(\"mysql\", \"app:$v@tcp(db:3306)/app\")" "$v"
emit conf/vars.tf "variable \"admin_password\" {"
emit conf/vars.tf "  type    = string"
v=$(pp); emit conf/vars.tf "  default = \"$v\"" "$v"
emit conf/vars.tf "}"
emit conf/vars.tf 'variable "password_length" {'
emit conf/vars.tf '  default = "24"'
emit conf/vars.tf '}'

# INI/env values may begin with & * | > [ {; Makefile and positional values
# are literals (dotted or slashed); a quoted value may end with '+'; weak
# values for any secret name may end with a mark
v=$(pp); v="&${v}"; emit conf/app2.ini "passwd=$v" "$v"
emit Makefile "DB_PASSWORD_RO ?= $W4" "$W4"
v=$(tok); v="${v:0:12}/${v:12:3}"; emit src/deploy.pl "my \$dbh = DBI->connect('dbi:mysql:app', 'root', '$v');" "$v"
v=$(pp); v="${v}+"; emit conf/app2.yml "  admin_password: \"$v\"" "$v"
v="$(printf 'Autumn%d!' $((RANDOM % 90 + 1990)))"; emit conf/app2.json "  \"client_secret\" : \"$v\"," "$v"
v="$(printf 'matrix_pepper%d' $((RANDOM % 9 + 1)))"; emit conf/app2.yml "  secret: '$v'" "$v"

# --- code, references, templates, placeholders, types, prose: nothing --------------
for l in 'password = get_password()' 'password = self.password' 'password = config.db.pass' \
	'password = PASSWORD' "password = os.environ['DB_PASSWORD']" 'password = os.getenv("DB_PASSWORD")' \
	'password = ""' 'password = None' 'password: str' 'password = "%(db_password)s"' \
	'password = "{{ db_password }}"' 'password = "<placeholder>"' 'password = "***"' \
	'password = "changeme"' 'password = "your-password-here"' 'password = "xxxxxx"' \
	'password = models.CharField(max_length=128)' 'label = _("Password:")' \
	'password_regex = r"^(?=.*\d)[A-Za-z0-9]{8,}$"' 'password_file = "/run/secrets/db_password"' \
	'conn = connect(password=password)' 'server.login(user, password)' \
	'msg = "password=" + pw + "&user=" + user' 'help_text = "Enter your password to continue"' \
	'password = "{}".format(pw)' 'password = f"{prefix}{suffix}"' 'password = "$DB_PASSWORD"' \
	"#   user.password = \"$(pp)\"" ">>> client.login(\"bob\", \"$(pp)\")"; do
	emit src/neg.py "$l"
done
for l in 'password: process.env.DB_PASSWORD,' 'const password = req.body.password;' "password: ''," \
	'password: null,' '"password": "<%= db_password %>",' 'password: string;' 'password?: string;' \
	'const pw = `${user}:${pass}`;' 'password: undefined,'; do
	emit src/neg.ts "$l"
done
for l in 'DB_PASSWORD=${DB_PASSWORD}' 'DB_PASSWORD=$DB_PASS' 'PASSWORD=changeme' 'DB_PASSWORD=' \
	'PASSWORD=$(cat /run/secrets/pw)' 'PASSWORD=%DB_PASSWORD%' 'bypass=hunter22x' 'compass=n0rth-west'; do
	emit conf/neg.env "$l"
done
for l in 'password: "{{ vault_db_password }}"' 'password: ${DB_PASSWORD}' 'password: null' 'password: string' \
	'password: true' 'password: "Password:"' 'password: *db_password' 'password: !vault |' \
	'password: Enter the password of the service account' 'password: <your-password>' \
	'password required' 'Password is required for this account'; do
	emit conf/neg.yml "$l"
done
for l in "password = ENV['DB_PASSWORD']" 'password = ENV.fetch("DB_PASSWORD")' 'password = Rails.application.credentials.db_password'; do
	emit src/neg.rb "$l"
done
for l in '<password>${db.password}</password>' '<password></password>' '<passwordPolicy>strict-9</passwordPolicy>' \
	'<add key="PasswordLength" value="12" />'; do
	emit conf/neg.xml "$l"
done
for l in "define('DB_PASSWORD', getenv('DB_PASSWORD'));" "\$password = \$_POST['password'];" \
	'$link = mysqli_connect($host, $user, $pass);'; do
	emit src/neg.php "$l"
done
for l in '  password VARCHAR(255) NOT NULL,' 'CREATE USER app IDENTIFIED BY :pw;'; do
	emit src/neg.sql "$l"
done
for l in '#define PASSWORD_MAX_LEN 64' '#define PASSWORD_PROMPT "Password: "' \
	'char password[PASSWORD_MAX_LEN];' '#define API_KEY_HEADER "X-Api-Key"' \
	'auth := smtp.PlainAuth("", user, pass, host)'; do
	emit src/neg.c "$l"
done
for l in 'ftp = ftplib.FTP(host)' 'ftp = ftplib.FTP(host, user, passwd)' 'ftp = FTP()' \
	'password = "${DB_PASS}"' 'password = "$(cat /run/secrets/pw)"' 'password = "user:%s"' \
	'password = "<db password>"' 'password = "{password}"'; do
	emit src/neg2.py "$l"
done
for l in 'const sequelize = new Sequelize(db, user, password, {});' 'db.auth(user, pwd);' \
	'db.createUser({ user: "app", pwd: passwordPrompt(), roles: [] });'; do
	emit src/neg2.js "$l"
done
for l in 'password: app.mail.relay2' 'replica: {user: ro, password: ${DB_PASS}}' \
	'replica: {user: ro, password: }'; do
	emit conf/neg2.yml "$l"
done
emit src/neg2.sh 'htpasswd -c /etc/nginx/.htpasswd admin'
emit src/neg2.sh 'sshpass -e ssh deploy@web1 uptime'
emit Dockerfile 'ARG NPM_TOKEN'
emit conf/autounattend.xml '  <settings pass="oobeSystem">'
emit conf/neg7.yml 'password: &db_password'
emit conf/neg7.yml 'password: *db_password'
emit src/neg6.go '	dsn := fmt.Sprintf("%s:%s@tcp(%s)/%s", user, pass, host, name)'
emit src/neg5.rb 'Foo::PASSWORD_FIELD = "password"'
emit src/neg5.sh 'if [[ $DB_PASSWORD =~ ^[a-z]+$ ]]; then exit 1; fi'
emit conf/neg5.xml '<password>${db.password}</password>'
# base64 of a stand-in ("not my real password", as READMEs show it) is a sample;
# base64 of random bytes is not
emit conf/neg4.js "  password: '$(printf 'not my real %s' password | base64)',"
v=$(rand_secret 18 | base64 | tr -d '\n'); emit conf/b64.js "  password: '$v'," "$v"
for l in 'api_key = "test1234"' 'API_KEY = "apikey1"' "'access_token': 'sdlfkj452',"; do
	emit src/neg3.py "$l"
done
emit conf/neg3.env 'JWT_SECRET=demo123'
emit conf/neg3.env 'API_KEY=$API_KEY'
# compiled Python holds the source's strings: an unquoted right-hand side there is code
mkdir -p src/__pycache__
printf 'x\000\000\000\n%s\n' "Password confirmation=$W2" >src/__pycache__/forms.cpython-311.pyc
emit src/neg.sh 'opt -O2 -debug-pass=Executions in.ll'
emit src/neg.sh 'app --password=$DB_PASSWORD --password-file=/run/secrets/pw'
emit src/neg.py "ok = console.Colorizer('PASS', 'green')"
emit src/neg.py 'if !analysis.Imports(pass.Pkg, "net/http") {'
mkdir -p conf/locales
emit conf/locales/de.json '  "password": "Passwort",'
emit conf/locales/de.json '  "new_password": "Neues Kennwort",'
emit conf/labels.json '  "password": "Kennwort",'
emit conf/labels.json '  "password": "Mot de passe",'
emit src/neg.cs 'String password;'
emit src/neg.go '	Password string `json:"password"`'
emit src/neg.po 'msgid "Password:"'
emit src/neg.json '  "password_label": "Password:",'

cd "$LW_TMP" || exit 1
"$LEAKWALK" scan --no-config -f json --no-redact w >"$LW_TMP/out.json" 2>"$LW_TMP/out.err"
rc=$?
check "scan finds secrets: exit 1" test "$rc" = 1
check "every expected finding, nothing else (path, line, secret)" python3 - "$LW_TMP/out.json" "$EXPECT" <<'PY'
import json, sys
got = {(x["path"][2:] if x["path"].startswith("w/") else x["path"], x["line"], x["secret"])
       for x in json.load(open(sys.argv[1]))}
want = set()
for l in open(sys.argv[2]):
    p, n, s = l.rstrip("\n").split("\t")
    want.add((p, int(n), s))
got = {(p[2:] if p.startswith("w/") else p, n, s) for p, n, s in got}
for x in sorted(want - got):
    print("missed: %s:%d %s" % x, file=sys.stderr)
for x in sorted(got - want):
    print("unexpected: %s:%d %s" % x, file=sys.stderr)
sys.exit(0 if got == want else 1)
PY
check "one finding per expected line" json_ok "$LW_TMP/out.json" 'len(r) == int(a[0])' "$(wc -l <"$EXPECT")"

# --- bounded time on hostile lines ------------------------------------------------
# timed NAME FILE: scanning FILE takes under 30 s (generous: it takes well
# under one on an idle machine) and exits 0 or 1
timed() {
	local t0 t1 rc
	t0=$(date +%s%N)
	"$LEAKWALK" scan --no-config -q -f json "$2" >"$LW_TMP/$1.json" 2>"$LW_TMP/$1.err"
	rc=$?
	t1=$(date +%s%N)
	echo "  $1: $(((t1 - t0) / 1000000)) ms (exit $rc)"
	check "$1: exit 0 or 1" test "$rc" -le 1
	check "$1: bounded time" test $(((t1 - t0) / 1000000)) -lt 30000
}
mkdir -p hostile
python3 - hostile <<'PY'
import os, sys
d = sys.argv[1]
mb = 1 << 20
def w(name, s):
    with open(os.path.join(d, name), "w") as f:
        f.write(s)
w("long_value.env", "DB_PASSWORD=" + "aB3;" * (mb // 4) + "\n")
w("long_quoted.py", 'password = "' + "aB3;" * (mb // 4) + '"\n')
w("equals.txt", "password" + "=" * mb + "\n")
w("eq_only.txt", "=" * mb + "\n")
w("keys.txt", "password=" * (mb // 9) + "\n")
w("colons.yml", "password: " * (mb // 10) + "\n")
k = '"pass' + 'word":"'
# 20000 findings on one line: rendering each finding's line costs the line's
# findings, so this stays a test of the matcher, not of the report
w("minified.json", "{" + k + ('",' + k).join("v%05dX!q" % i for i in range(20000)) + '"}\n')
# 6 MB of references on one line: every value is read and dropped
w("minified_refs.json", "{" + k + ('",' + k).join("${PW%d}" % (i % 10) for i in range(400000)) + '"}\n')
w("quotes.js", "password = '" + "\\'" * (mb // 2) + "\n")
w("xml.xml", "<password>" * (mb // 10) + "\n")
w("calls.py", "server.login(u, " * (mb // 16) + "\n")
w("vars.tf", 'variable "password" { ' * (mb // 24) + "\n")
w("flow.yml", "{password: a," * (mb // 14) + "\n")
w("dsn.go", '"u:p@tcp(' * (mb // 9) + "\n")
w("define.h", '#define PASSWORD "' * (mb // 19) + "\n")
w("htpasswd.sh", "htpasswd -b " * (mb // 12) + "\n")
w("inventory.ini", " ansible_password=" * (mb // 18) + "\n")
PY
for f in hostile/*; do
	timed "hostile_$(basename "$f" | tr . _)" "$f"
done
check "a minified JSON line of 20000 passwords yields them all" json_ok "$LW_TMP/hostile_minified_json.json" 'len(r) == 20000'
check "a minified JSON line of references yields nothing" json_ok "$LW_TMP/hostile_minified_refs_json.json" 'r == []'
finish
