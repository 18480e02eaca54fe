#!/bin/bash
# detect_credfiles.sh - credential stores, tool configs and password hashes,
# each written the way its documentation shows it: every password a format
# names is reported at its path and line, weak dictionary passwords too (the
# format says it is a password: no entropy floor), and comments, empty
# values, environment and template references and placeholders are not.
# Passwords and hashes are made at run time.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

EXP="$LW_TMP/expect.tsv" # path, line, rule (a regex), secret
: >"$EXP"
want() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$EXP"; }
# pos FILE / neg FILE: the file's text from stdin, under pos/ or neg/
pos() { mkdir -p "pos/$(dirname "$1")" && cat >"pos/$1"; }
neg() { mkdir -p "neg/$(dirname "$1")" && cat >"neg/$1"; }
b64() { printf '%s' "$1" | base64 -w 0; }
# crypt-alphabet and base64 runs, random
rand_crypt() { LC_ALL=C tr -dc './A-Za-z0-9' </dev/urandom | head -c "$1"; }
rand_b64() { LC_ALL=C tr -dc 'A-Za-z0-9+/' </dev/urandom | head -c "$1"; }
# weak passwords people commit: dictionary words with digits (the n-th)
WORDS=(hunter dragon monkey letmein sunshine princess football shadow master welcome
	qazwsx trustno baseball superman batman michael jordan harley ranger tigger)
weak() { printf '%s%02d' "${WORDS[$1]}" $((($1 * 7 + 22) % 100)); }

# ===================== .netrc / _netrc =====================
P1=$(secret) P2=$(secret) P3=$(secret) P4=$(secret) W1=$(weak 0)
pos home/.netrc <<EOF
# hosts I deploy to
machine git.corp.net
  login deploy
  password $P1
machine ftp.corp.net login ops password $W1
default login anonymous password $P2 account $P3
#machine old.corp.net login x password $P4
machine env.corp.net login ci password \${NETRC_PASSWORD}
EOF
want home/.netrc 4 netrc-password-field "$P1"
want home/.netrc 5 netrc-password-field "$W1"
want home/.netrc 6 netrc-password-field "$P2"
want home/.netrc 6 netrc-password-field "$P3"
P5=$(secret)
pos win/_netrc <<EOF
machine files.corp.net login ops password $P5
EOF
want win/_netrc 1 netrc-password-field "$P5"
neg home/.netrc <<EOF
# machine git.corp.net login deploy password $P4
machine git.corp.net login deploy password
machine ci.corp.net login ci password {{ netrc_password }}
machine db.corp.net login ci password ***
EOF

# ===================== .pgpass =====================
P6=$(secret) P7=$(secret) W2=$(weak 1)
pos home/.pgpass <<EOF
# hostname:port:database:username:password
db.corp.net:5432:billing:app:$P6
*:*:*:postgres:$W2
localhost:5432:*:etl:ab\\:$P7
EOF
want home/.pgpass 2 pgpass-password "$P6"
want home/.pgpass 3 pgpass-password "$W2"
want home/.pgpass 4 pgpass-password "ab\\:$P7"
neg home/.pgpass <<EOF
# db.corp.net:5432:billing:app:$P6
*:*:*:postgres:
*:*:*:ops:%(pgpass)s
EOF

# ===================== .git-credentials and URLs carrying a password =====================
P8=$(secret) P9=$(secret) W3=$(weak 2) P10=$(secret) W4=$(weak 3)
pos home/.git-credentials <<EOF
https://alice:$P8@github.com
https://bob%40corp.com:$P9@gitlab.corp.net
https://carol@corp.com:$W3@git.corp.net
EOF
want home/.git-credentials 1 'url-basic-auth-credentials|url-userinfo-password' "$P8"
want home/.git-credentials 2 'url-basic-auth-credentials|url-userinfo-password' "$P9"
want home/.git-credentials 3 url-userinfo-password "$W3"
pos app/remotes.sh <<EOF
git remote add mirror git+ssh://deploy:$P10@git.corp.net/app.git
export ALL_PROXY=socks5://proxy:$W4@10.0.0.7:1080
EOF
want app/remotes.sh 1 url-userinfo-password "$P10"
want app/remotes.sh 2 url-userinfo-password "$W4"
neg home/.git-credentials <<EOF
https://dave@github.com
https://erin:@github.com
https://ci:\${GIT_TOKEN}@github.com
socks5://proxy:\$PROXY_PASSWORD@10.0.0.7:1080
EOF

# ===================== .htpasswd, shadow, proftpd =====================
W5=$(weak 4) W6=$(weak 5)
SHA="{SHA}$(printf '%s' "$W5" | openssl dgst -sha1 -binary | base64 -w 0)"
APR=$(openssl passwd -apr1 "$W6")
BC="\$2y\$05\$$(rand_crypt 53)"
DES=$(rand_crypt 13)
pos web/.htpasswd <<EOF
alice:$SHA
bob:$APR
carol:$BC
dave:$DES
EOF
want web/.htpasswd 1 htpasswd-sha-or-des-crypt "$SHA"
want web/.htpasswd 2 crypt-sha-md5-hash "$APR"
want web/.htpasswd 3 bcrypt-hash "$BC"
want web/.htpasswd 4 htpasswd-sha-or-des-crypt "$DES"
neg web/.htpasswd <<EOF
# alice:$SHA
EOF
S6=$(openssl passwd -6 "$(secret)")
S5=$(openssl passwd -5 "$(weak 6)")
S1=$(openssl passwd -1 "$(secret)")
SY="\$y\$j9T\$$(rand_crypt 22)\$$(rand_crypt 43)"
SR="\$6\$rounds=656000\$$(rand_crypt 16)\$$(rand_crypt 86)"
pos etc/shadow <<EOF
root:$S6:19000:0:99999:7:::
daemon:*:19000:0:99999:7:::
nobody:!:19000:0:99999:7:::
svc:!!:19000::::::
legacy:x:19000:0:99999:7:::
ops:$S5:19000:0:99999:7:::
old:$S1:19000:0:99999:7:::
alice:$SY:19700:0:99999:7:::
bob:$SR:19700:0:99999:7:::
des:$DES:19000:0:99999:7:::
EOF
want etc/shadow 1 crypt-sha-md5-hash "$S6"
want etc/shadow 6 crypt-sha-md5-hash "$S5"
want etc/shadow 7 crypt-sha-md5-hash "$S1"
want etc/shadow 8 yescrypt-hash "$SY"
want etc/shadow 9 crypt-sha-md5-hash "$SR"
want etc/shadow 10 htpasswd-sha-or-des-crypt "$DES"
neg etc/shadow <<EOF
root:*:19000:0:99999:7:::
daemon:!:19000:0:99999:7:::
svc:!!:19000::::::
legacy:x:19000:0:99999:7:::
locked:!$:19000:0:99999:7:::
EOF
SP=$(openssl passwd -1 "$(weak 7)")
pos etc/proftpd/ftpd.passwd <<EOF
ftpuser:$SP:1001:1001::/srv/ftp:/bin/false
EOF
want etc/proftpd/ftpd.passwd 1 crypt-sha-md5-hash "$SP"

# ===================== .npmrc =====================
T1=$(rand_alnum 36) A1=$(b64 "ci:$(weak 8)") A2=$(b64 "$(secret)")
pos app/.npmrc <<EOF
registry=https://registry.corp.net/
//registry.corp.net/:_authToken=$T1
_auth=$A1
//npm.corp.net/:_password=$A2
email=ci@corp.net
always-auth=true
EOF
want app/.npmrc 2 'npmrc-credential-field|npmrc-auth-token' "$T1"
want app/.npmrc 3 'npmrc-credential-field|npmrc-basic-auth' "$A1"
want app/.npmrc 4 'npmrc-credential-field|npmrc-basic-auth' "$A2"
neg app/.npmrc <<EOF
; _authToken=$T1
//registry.corp.net/:_authToken=\${NPM_TOKEN}
_auth=
always-auth=true
EOF

# ===================== Docker config.json / .dockercfg =====================
D1=$(b64 "deploy:$(secret)") D2=$(b64 "ops:$(weak 9)")
pos home/.docker/config.json <<EOF
{
	"auths": {
		"registry.corp.net": {
			"auth": "$D1"
		}
	},
	"credsStore": "desktop"
}
EOF
want home/.docker/config.json 4 docker-config-auth "$D1"
pos home/.dockercfg <<EOF
{"https://index.docker.io/v1/":{"auth":"$D2","email":"ops@corp.net"}}
EOF
want home/.dockercfg 1 docker-config-auth "$D2"
neg home/.docker/config.json <<EOF
{
	"auths": {
		"ghcr.io": { "auth": "$(b64 "tokenwithoutcolon")" },
		"quay.io": { "auth": "$(b64 "robot:")" },
		"registry.corp.net": {}
	},
	"credsStore": "desktop"
}
EOF

# ===================== FileZilla =====================
F1=$(b64 "$(secret)") W7=$(weak 10)
pos fz/sitemanager.xml <<EOF
<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<FileZilla3 version="3.66.0" platform="windows">
	<Servers>
		<Server>
			<Host>ftp.corp.net</Host>
			<Port>21</Port>
			<Protocol>0</Protocol>
			<Type>0</Type>
			<User>ops</User>
			<Pass encoding="base64">$F1</Pass>
			<Logontype>1</Logontype>
		</Server>
	</Servers>
</FileZilla3>
EOF
want fz/sitemanager.xml 10 filezilla-password "$F1"
pos fz/recentservers.xml <<EOF
<RecentServers>
	<Server>
		<Host>sftp.corp.net</Host>
		<User>deploy</User>
		<Pass>$W7</Pass>
	</Server>
</RecentServers>
EOF
want fz/recentservers.xml 5 filezilla-password "$W7"
neg fz/sitemanager.xml <<EOF
<Server><Host>ftp.corp.net</Host><User>ops</User><Logontype>2</Logontype><Pass></Pass></Server>
EOF

# ===================== DBeaver, DataGrip / JetBrains, Robo 3T =====================
P11=$(secret)
pos ws/.dbeaver/data-sources.json <<EOF
{
	"folders": {},
	"connections": {
		"postgres-jdbc-18c2": {
			"provider": "postgresql",
			"driver": "postgres-jdbc",
			"name": "prod",
			"save-password": true,
			"configuration": {
				"host": "db.corp.net",
				"port": "5432",
				"database": "app",
				"user": "app",
				"password": "$P11",
				"auth-model": "native"
			}
		}
	}
}
EOF
want ws/.dbeaver/data-sources.json 14 dbeaver-data-source-password "$P11"
head -c 96 /dev/urandom >creds.bin && mkdir -p pos/ws/.dbeaver && cp creds.bin pos/ws/.dbeaver/credentials-config.json
want ws/.dbeaver/credentials-config.json 1 dbeaver-credentials-file "ws/.dbeaver/credentials-config.json"
neg ws/.dbeaver/data-sources.json <<EOF
{"connections": {"pg": {"save-password": false, "configuration": {"user": "app", "password": ""}}}}
EOF
J1=$(rand_hex 24) W8=$(weak 11)
pos proj/.idea/dataSources.local.xml <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="dataSourceStorageLocal">
    <data-source name="prod" uuid="4f1c9e7a-2b8d-4f6e-9a5c-9b7d1e3f2a8c">
      <database-info product="PostgreSQL" version="15.2" />
      <secret-storage>master_key</secret-storage>
      <user-name>app</user-name>
      <user-password>$J1</user-password>
    </data-source>
  </component>
</project>
EOF
want proj/.idea/dataSources.local.xml 8 jetbrains-stored-password "$J1"
pos proj/.idea/webServers.xml <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="WebServers">
    <option name="servers">
      <webServer id="b9a1" name="prod">
        <fileTransfer host="ftp.corp.net" port="21" accessType="FTP" login="ops" password="$W8" />
      </webServer>
    </option>
  </component>
</project>
EOF
want proj/.idea/webServers.xml 6 jetbrains-stored-password "$W8"
neg proj/.idea/webServers.xml <<EOF
        <fileTransfer host="sftp.corp.net" port="22" accessType="SFTP" login="ops" />
EOF
W9=$(weak 12)
pos home/.3T/robo-3t/1.4.4/robo3t.json <<EOF
{
    "connections": [
        {
            "connectionName": "prod",
            "credentials": [
                {
                    "databaseName": "admin",
                    "enabled": true,
                    "userName": "admin",
                    "userPassword": "$W9"
                }
            ],
            "serverHost": "mongo.corp.net",
            "serverPort": 27017
        }
    ]
}
EOF
want home/.3T/robo-3t/1.4.4/robo3t.json 10 robomongo-password "$W9"

# ===================== editor SFTP/FTP settings =====================
P12=$(secret) W10=$(weak 13) P13=$(secret) P14=$(secret) P15=$(secret) P16=$(secret)
pos site/sftp-config.json <<EOF
{
    // The tab key will cycle through the settings when first created
    "type": "sftp",
    "save_before_upload": true,
    "upload_on_save": false,
    "host": "www.corp.net",
    "user": "deploy",
    //"password": "$P16",
    "password": "$P12",
    "remote_path": "/srv/www/",
}
EOF
want site/sftp-config.json 9 editor-sftp-password "$P12"
pos site/.ftpconfig <<EOF
{
    "protocol": "ftp",
    "host": "ftp.corp.net",
    "port": 21,
    "user": "ops",
    "pass": "$W10",
    "promptForPass": false
}
EOF
want site/.ftpconfig 6 editor-sftp-password "$W10"
pos site/.remote-sync.json <<EOF
{
  "transport": "scp",
  "hostname": "www.corp.net",
  "username": "deploy",
  "password": "$P13",
  "target": "/srv/www"
}
EOF
want site/.remote-sync.json 5 editor-sftp-password "$P13"
pos site/deployment-config.json <<EOF
{ "host": "www.corp.net",
  "password": "$P14" }
EOF
want site/deployment-config.json 2 editor-sftp-password "$P14"
pos site/.vscode/sftp.json <<EOF
{
    "name": "prod",
    "host": "www.corp.net",
    "protocol": "sftp",
    "username": "deploy",
    "password": "$P15",
    "remotePath": "/srv/www"
}
EOF
want site/.vscode/sftp.json 6 editor-sftp-password "$P15"
neg site/sftp-config.json <<EOF
{
    //"password": "$P16",
    "password": "",
    "ssh_key_file": "~/.ssh/id_rsa",
}
EOF

# ===================== .esmtprc, IRC, voice servers =====================
P17=$(secret) W11=$(weak 14) P18=$(secret) W12=$(weak 15) P19=$(secret) W13=$(weak 16) P20=$(secret) P21=$(secret)
pos home/.esmtprc <<EOF
hostname = smtp.corp.net:587
username = "ops@corp.net"
password = "$P17"
starttls = required
EOF
want home/.esmtprc 3 esmtprc-password "$P17"
pos home/.config/hexchat/servlist.conf <<EOF
v=2.16.1

N=Corp
I=ops
U=ops
P=$W11
S=irc.corp.net/6697
EOF
want home/.config/hexchat/servlist.conf 6 irc-client-password "$W11"
pos home/.irssi/config <<EOF
servers = (
  { address = "irc.corp.net"; chatnet = "corp"; port = "6697"; password = "$P18"; use_tls = "yes"; }
);
EOF
want home/.irssi/config 2 irc-client-password "$P18"
pos home/.znc/configs/znc.conf <<EOF
Version = 1.8.2
<User ops>
	Pass = $W12
	Nick = ops
</User>
EOF
want home/.znc/configs/znc.conf 3 irc-client-password "$W12"
pos srv/ventrilo_srv.ini <<EOF
[Server]
Name=Corp
Phonetic=Corp
Auth=1
Duplicates=1
AdminPassword=$P19
Password=$W13
SendBuffer=0
EOF
want srv/ventrilo_srv.ini 6 voice-server-password "$P19"
want srv/ventrilo_srv.ini 7 voice-server-password "$W13"
pos etc/mumble-server.ini <<EOF
; Murmur configuration file.
database=/var/lib/mumble-server/mumble-server.sqlite
;icesecretwrite=
serverpassword=$P20
EOF
want etc/mumble-server.ini 4 voice-server-password "$P20"
# a variable set for one command only, as shell scripts, CI steps and
# READMEs give a client its password (PGPASSWORD, MYSQL_PWD, SSHPASS)
P40=$(secret) P41=$(secret) W40=$(weak 4) P42=$(secret)
pos ci/restore.sh <<EOF
#!/bin/sh
set -e
PGPASSWORD=$P40 pg_restore -h db.internal -U app -d shop dump.pgc
MYSQL_PWD='$W40' mysql -u root shop < seed.sql
SSHPASS="$P41" sshpass -e scp dump.pgc deploy@backup:/srv/
LANG=C REDIS_PASSWORD=$P42 TZ=UTC ./bin/flush-cache --all
EOF
want ci/restore.sh 3 generic-password-unquoted "$P40"
want ci/restore.sh 4 database-password-variable "$W40"
want ci/restore.sh 5 generic-password-assignment "$P41"
want ci/restore.sh 6 generic-password-unquoted "$P42"
neg ci/build.sh <<EOF
PWD=/srv/app make install
OLDPWD=/tmp cd -
BYPASS=yes make check
COMPASS=north ./bin/nav
PGPASSWORD=\$PGPASS psql -U app
PGPASSWORD="\$(cat /run/secrets/pg)" psql -U app
MYSQL_PWD= mysql -u root
EOF
pos ts3/start.sh <<EOF
#!/bin/sh
exec ./ts3server license_accepted=1 serveradmin_password=$P21
EOF
want ts3/start.sh 2 teamspeak-serveradmin-password "$P21"
neg etc/mumble-server.ini <<EOF
;icesecretwrite=
serverpassword=
EOF
neg home/.esmtprc <<EOF
#password = "$P17"
password =
EOF
neg home/.config/hexchat/servlist.conf <<EOF
N=Libera.Chat
E=UTF-8 (Unicode)
EOF

# ===================== Rails, Laravel, Django, WordPress, PHP =====================
H1=$(rand_hex 128) LK="base64:$(head -c 32 /dev/urandom | base64 -w 0)" DK="django-insecure-$(rand_alnum 40)"
pos rails/config/secrets.yml <<EOF
development:
  secret_key_base: $H1
production:
  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>
EOF
want rails/config/secrets.yml 2 rails-secret-key-base "$H1"
rand_hex 32 >master.key && mkdir -p pos/rails/config && cp master.key pos/rails/config/master.key
want rails/config/master.key 1 rails-master-key-file "rails/config/master.key"
pos laravel/.env <<EOF
APP_NAME=Shop
APP_ENV=production
APP_KEY=$LK
APP_DEBUG=false
EOF
want laravel/.env 3 laravel-app-key "$LK"
pos django/app/settings.py <<EOF
from pathlib import Path

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = '$DK'
DEBUG = False
EOF
want django/app/settings.py 4 django-secret-key "$DK"
neg django/app/settings.py <<EOF
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
SECRET_KEY = env("SECRET_KEY")
EOF
W14=$(weak 17)
pos wp/wp-config.php <<EOF
<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp' );
define( 'DB_PASSWORD', '$W14' );
define( 'DB_HOST', 'localhost' );
EOF
want wp/wp-config.php 4 wordpress-db-password "$W14"
n=6
for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
	v="$(rand_alnum 20)|:+$(rand_alnum 20)~#$(rand_alnum 20)"
	printf "define( '%s', '%s' );\n" "$k" "$v" >>pos/wp/wp-config.php
	want wp/wp-config.php "$n" wordpress-auth-salt "$v"
	n=$((n + 1))
done
WP_SAMPLE=password_here # wp-config-sample.php's stand-in
neg wp/wp-config-sample.php <<EOF
<?php
define( 'DB_PASSWORD', '$WP_SAMPLE' );
define( 'AUTH_KEY',         'put your unique phrase here' );
define( 'SECURE_AUTH_KEY',  'put your unique phrase here' );
define( 'DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD') );
EOF
W15=$(weak 18) P22=$(secret) BF=$(rand_alnum 32)
pos ci/application/config/database.php <<EOF
<?php
\$db['default']['hostname'] = 'localhost';
\$db['default']['username'] = 'app';
\$db['default']['password'] = '$W15';
EOF
want ci/application/config/database.php 4 php-config-array-password "$W15"
pos pma/config.inc.php <<EOF
<?php
\$cfg['blowfish_secret'] = '$BF';
\$i = 0;
\$i++;
\$cfg['Servers'][\$i]['auth_type'] = 'config';
\$cfg['Servers'][\$i]['user'] = 'root';
\$cfg['Servers'][\$i]['password'] = '$P22';
EOF
want pma/config.inc.php 2 php-config-array-password "$BF"
want pma/config.inc.php 7 php-config-array-password "$P22"
neg pma/config.inc.php <<EOF
<?php
\$cfg['blowfish_secret'] = '';
\$cfg['Servers'][\$i]['password'] = '';
\$db['default']['password'] = getenv('DB_PASSWORD');
EOF

# ===================== Java, Spring, .NET, JDBC/ODBC =====================
W16=$(weak 19) P23=$(secret) P24=$(secret) W17=$(weak 0)1 P25=$(secret) W18=$(weak 1)2 P26=$(secret) W19=$(weak 2)3 P27=$(secret)
pos java/src/main/resources/db.properties <<EOF
# datasource
db.url=jdbc:postgresql://db.corp.net:5432/app
db.password=$W16
javax.net.ssl.keyStorePassword = $P23
# db.password=$P24
db.password.min.length=8
EOF
want java/src/main/resources/db.properties 3 java-properties-password "$W16"
want java/src/main/resources/db.properties 4 java-properties-password "$P23"
pos spring/src/main/resources/application.yml <<EOF
spring:
  datasource:
    url: jdbc:postgresql://db.corp.net:5432/app
    username: app
    password: $W17
server:
  ssl:
    key-store-password: "$P24"
EOF
want spring/src/main/resources/application.yml 5 spring-yaml-password "$W17"
want spring/src/main/resources/application.yml 8 spring-yaml-password "$P24"
P32=$(secret)
pos spring/config/application-prod.yml <<EOF
spring.datasource.username: app
spring.datasource.password: '$P32'
EOF
want spring/config/application-prod.yml 2 spring-yaml-password "$P32"
neg spring/src/main/resources/application.yml <<EOF
spring:
  datasource:
    password: \${DB_PASSWORD}
    username: app
#   password: $W17
server:
  ssl:
    key-store-password:
EOF
neg java/src/main/resources/messages.properties <<EOF
login.password=Password:
db.password=\${DB_PASSWORD}
db.password=ENC(Q8vZ2xR7tK1cN9bW3sD5fG0hJ6yU8eA2)
EOF
pos dotnet/appsettings.json <<EOF
{
  "ConnectionStrings": {
    "Default": "Server=db.corp.net;Database=app;User Id=sa;Password=$W18;"
  }
}
EOF
want dotnet/appsettings.json 3 'dotnet-connection-string-password|adonet-connection-string-password' "$W18"
pos dotnet/web.config <<EOF
<configuration>
  <connectionStrings>
    <add name="Main" connectionString="Data Source=db;Initial Catalog=app;User ID=app;Password=$P25" providerName="System.Data.SqlClient" />
  </connectionStrings>
</configuration>
EOF
want dotnet/web.config 3 'dotnet-connection-string-password|adonet-connection-string-password' "$P25"
neg dotnet/appsettings.json <<EOF
{ "ConnectionStrings": { "Default": "Server=db;Database=app;Integrated Security=true;" } }
EOF
pos java/src/Db.java <<EOF
class Db {
    static final String URL = "jdbc:mysql://db.corp.net:3306/app?user=app&password=$W19";
}
EOF
want java/src/Db.java 2 jdbc-url-password "$W19"
pos py/odbc.py <<EOF
import pyodbc
conn = pyodbc.connect("DRIVER={ODBC Driver 18 for SQL Server};SERVER=db;DATABASE=app;UID=sa;PWD=$P26")
EOF
want py/odbc.py 2 'odbc-connection-string-password|adonet-connection-string-password' "$P26"

# ===================== Kubernetes, kubeconfig =====================
K1=$(b64 "$(weak 3)") K2=$(b64 app) K3=$(b64 "$(secret)") KD=$(rand_b64 64)
pos k8s/secret.yaml <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
data:
  username: $K2
  password: $K1
---
apiVersion: v1
kind: Secret
metadata:
  name: api
stringData:
  token: $P27
EOF
want k8s/secret.yaml 7 kubernetes-secret-data "$K2"
want k8s/secret.yaml 8 kubernetes-secret-data "$K1"
want k8s/secret.yaml 15 kubernetes-secret-data "$P27"
pos k8s/dump.yaml <<EOF
apiVersion: v1
data:
  api-key: $K3
kind: Secret
metadata:
  name: api
EOF
want k8s/dump.yaml 3 kubernetes-secret-data-sorted "$K3"
# TLS Secrets: the certificate chains put the key more than 16 KiB past
# "kind: Secret" and "data:", as written by hand (kind first) and as
# kubectl prints it (data first, "kind: Secret" after the entries)
CA=$(rand_b64 8000) CRT=$(rand_b64 8000) TK=$(rand_b64 1600)
pos k8s/tls.yaml <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: ingress-tls
type: kubernetes.io/tls
data:
  ca.crt: $CA
  tls.crt: $CRT
  tls.key: $TK
EOF
want k8s/tls.yaml 7 kubernetes-secret-data "$CA"
want k8s/tls.yaml 8 kubernetes-secret-data "$CRT"
want k8s/tls.yaml 9 kubernetes-secret-data "$TK"
pos k8s/tls-dump.yaml <<EOF
apiVersion: v1
data:
  ca.crt: $CA
  tls.crt: $CRT
  tls.key: $TK
kind: Secret
metadata:
  name: ingress-tls
type: kubernetes.io/tls
EOF
want k8s/tls-dump.yaml 3 kubernetes-secret-data-sorted "$CA"
want k8s/tls-dump.yaml 4 kubernetes-secret-data-sorted "$CRT"
want k8s/tls-dump.yaml 5 kubernetes-secret-data-sorted "$TK"
neg k8s/configmap.yaml <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
data:
  password: $K1
EOF
neg k8s/templated.yaml <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: "{{ .Values.db.password }}"
  token: \${API_TOKEN}
EOF
P28=$(secret)
pos home/.kube/config <<EOF
apiVersion: v1
kind: Config
users:
- name: admin
  user:
    client-certificate-data: $(rand_b64 64)
    client-key-data: $KD
- name: ci
  user:
    token: $P28
EOF
want home/.kube/config 7 kubeconfig-credential "$KD"
want home/.kube/config 10 kubeconfig-credential "$P28"

# ===================== Ansible, Chef, Puppet =====================
W20=$(weak 4)4 P29=$(secret) P30=$(secret) P31=$(secret)
pos ansible/group_vars/all.yml <<EOF
ansible_user: deploy
ansible_become_pass: $W20
mysql_root_password: "$P29"
EOF
want ansible/group_vars/all.yml 2 ansible-password-variable "$W20"
want ansible/group_vars/all.yml 3 ansible-password-variable "$P29"
pos chef/attributes/default.rb <<EOF
default['app']['db_user'] = 'app'
default['app']['db_password'] = '$P30'
EOF
want chef/attributes/default.rb 2 ansible-password-variable "$P30"
pos puppet/manifests/db.pp <<EOF
class profile::db {
  \$db_password = '$P31'
}
EOF
want puppet/manifests/db.pp 2 ansible-password-variable "$P31"
neg ansible/group_vars/all.yml <<EOF
ansible_become_pass: "{{ vault_become_pass }}"
db_password: "{{ lookup('env', 'DB_PASSWORD') }}"
api_password: !vault |
          \$ANSIBLE_VAULT;1.1;AES256
ldap_password: ""
EOF

# ===================== LDAP / LDIF and other hashes =====================
SSHA="{SSHA}$( (printf '%s' "$(weak 5)"; printf 'salt') | openssl dgst -sha1 -binary | base64 -w 0)"
L2=$(b64 "{SSHA}$(rand_b64 32)") W21=$(weak 6)5
pos ldap/users.ldif <<EOF
dn: uid=alice,ou=people,dc=corp,dc=net
objectClass: inetOrgPerson
uid: alice
userPassword: $SSHA

dn: uid=bob,ou=people,dc=corp,dc=net
uid: bob
userPassword:: $L2

dn: uid=carol,ou=people,dc=corp,dc=net
uid: carol
userPassword: $W21
EOF
want ldap/users.ldif 4 ldap-password-hash "$SSHA"
want ldap/users.ldif 8 ldif-userpassword-base64 "$L2"
want ldap/users.ldif 12 ldif-userpassword "$W21"
DJ="pbkdf2_sha256\$600000\$$(rand_alnum 22)\$$(head -c 32 /dev/urandom | base64 -w 0)"
AR="\$argon2id\$v=19\$m=65536,t=3,p=4\$$(rand_b64 22)\$$(rand_b64 43)"
SC="\$7\$C6..../....$(rand_crypt 16)\$$(rand_crypt 43)"
BC2="\$2b\$12\$$(rand_crypt 53)"
pos django/fixtures/users.json <<EOF
[{"model": "auth.user", "pk": 1, "fields": {"username": "admin",
  "password": "$DJ"}},
 {"model": "auth.user", "pk": 2, "fields": {"username": "ops",
  "password": "argon2$AR"}}]
EOF
want django/fixtures/users.json 2 django-password-hash "$DJ"
want django/fixtures/users.json 4 argon2-hash "$AR"
pos db/dump.sql <<EOF
INSERT INTO users (id, email, password_hash) VALUES (1, 'a@corp.net', '$BC2');
INSERT INTO users (id, email, password_hash) VALUES (2, 'b@corp.net', '$SC');
EOF
want db/dump.sql 1 bcrypt-hash "$BC2"
want db/dump.sql 2 scrypt-hash "${SC:14}"
neg db/dump.sql <<EOF
-- password_hash holds \$2b\$12\$ and 53 characters
INSERT INTO users (id, password_hash) VALUES (3, '\$2b\$12\$tooShort');
EOF

# ===================== files that are a leak by their path =====================
for f in home/.ssh/id_rsa home/.ssh/id_ed25519 certs/client.p12 android/release.keystore \
	vault/team.kdbx jenkins/credentials.xml; do
	mkdir -p "pos/$(dirname "$f")" && head -c 200 /dev/urandom >"pos/$f"
done
want home/.ssh/id_rsa 1 ssh-private-key-file home/.ssh/id_rsa
want home/.ssh/id_ed25519 1 ssh-private-key-file home/.ssh/id_ed25519
want certs/client.p12 1 pkcs12-keystore-file certs/client.p12
want android/release.keystore 1 java-keystore-file android/release.keystore
want vault/team.kdbx 1 keepass-database-file vault/team.kdbx
want jenkins/credentials.xml 1 jenkins-secret-file jenkins/credentials.xml
mkdir -p neg/home/.ssh neg/docs && ssh_pub="ssh-ed25519 $(rand_b64 68) ops@corp"
printf '%s\n' "$ssh_pub" >neg/home/.ssh/id_ed25519.pub
printf 'how to make an id_rsa\n' >neg/docs/id_rsa.md
printf 'see config/master.key\n' >neg/docs/master.key.md

# ===================== the scan =====================
# The rules of these families (and netrc-password, which shares .netrc);
# what other rules say about these files is theirs to test.
PAT="$LW_TESTS_DIR/../patterns"
OURS=$(python3 -c '
import json, sys
ids = ["netrc-password"]
for f in sys.argv[1:]:
    ids += [r["id"] for r in json.load(open(f))["rules"]]
print(",".join(ids))' "$PAT/credential-files.json" "$PAT/frameworks.json" "$PAT/password-hashes.json" \
	"$PAT/sensitive-files.json")
check "the families' rules are found" test "$(echo "$OURS" | tr , '\n' | wc -l)" -gt 40
lw pos scan --no-config --format json --no-redact pos
rc_is "positives: exit 1" 1
python3 - "$LW_TMP/pos.out" "$EXP" "$OURS" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
want = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip()]
ours = set(sys.argv[3].split(","))
fails = 0
for path, line, rule, secret in want:
    hit = [x for x in r if x["path"] == "pos/" + path and x["line"] == int(line)
           and re.fullmatch(rule, x["rule"]) and x["secret"] == secret]
    print("ok" if hit else "FAIL", path, line, rule)
    fails += not hit
# nothing else: every finding of these rules in pos/ is one that was wanted
for x in r:
    if x["rule"] in ours and not any("pos/" + p == x["path"] and int(l) == x["line"] and re.fullmatch(ru, x["rule"])
               and x["secret"] == s for p, l, ru, s in want):
        print("FAIL unexpected", x["rule"], x["path"], x["line"])
        fails += 1
sys.exit(1 if fails else 0)
PY
check "every format's password is reported, nothing else (see the list above)" test $? = 0
lw neg scan --no-config --format json neg
check "negatives: comments, empty values, references, placeholders, .pub: no finding" \
	pyj "$LW_TMP/neg.out" '[x for x in r if x["rule"] in a[0].split(",")] == []' "$OURS"

finish
