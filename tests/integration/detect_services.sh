#!/bin/bash
# detect_services.sh - service and tool credential files (patterns/
# service-credentials.json) and provider tokens in code without a naming key,
# each written the way its documentation shows it: curl config, fetchmailrc,
# msmtprc, MySQL option files, OpenVPN auth-user-pass files, PgBouncer
# userlist.txt, Postfix sasl_passwd, the Subversion auth cache, Windows
# answer files, ZNC, Grafana, NickServ IDENTIFY, ASP.NET machineKey, MySQL
# native hashes; Telegram, Twilio, Mailgun, AWS and Sentry tokens. Every
# password is reported at its path and line (weak ones too), nothing else of
# these rules; comments, empty values, references and placeholders are not,
# and neither is <settings pass="oobeSystem"> nor a public Sentry DSN.
# Every value is made at run time.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

EXP="$LW_TMP/expect.tsv" # path, line, rule (a regex), secret
: >"$EXP"
want() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$EXP"; }
pos() { mkdir -p "pos/$(dirname "$1")" && cat >"pos/$1"; }
neg() { mkdir -p "neg/$(dirname "$1")" && cat >"neg/$1"; }
WORDS=(hunter dragon monkey letmein sunshine princess football shadow master welcome
	qazwsx trustno baseball superman batman michael jordan harley ranger tigger)
weak() { printf '%s%02d' "${WORDS[$1]}" $((($1 * 7 + 22) % 100)); }
HEXU() { rand_hex "$1" | tr a-f A-F; }

# ===================== curl config (man curl, -K) =====================
P1=$(secret) P2=$(secret) W1=$(weak 0) P3=$(secret)
pos home/.curlrc <<EOF
# ~/.curlrc
silent
user = "api:$P1"
--proxy-user px:$P2
-u "ops@corp.net:$W1"
pass: $P3
EOF
want home/.curlrc 3 curlrc-user-password "$P1"
want home/.curlrc 4 curlrc-user-password "$P2"
want home/.curlrc 5 curlrc-user-password "$W1"
want home/.curlrc 6 curlrc-user-password "$P3"
neg home/.curlrc <<EOF
# user = "api:$P1"
user = "api"
user = "api:\${CURL_PASS}"
user = "api:"
EOF

# ===================== fetchmail, msmtp =====================
P4=$(secret) W2=$(weak 1) P5=$(secret) W3=$(weak 2)
pos home/.fetchmailrc <<EOF
set daemon 300
poll imap.corp.net protocol IMAP user "jdoe" password "$P4" ssl
poll pop.corp.net proto pop3 user 'bob' there with pass $W2 is bob here
EOF
want home/.fetchmailrc 2 fetchmailrc-password "$P4"
want home/.fetchmailrc 3 fetchmailrc-password "$W2"
pos home/.msmtprc <<EOF
defaults
auth on
account work
host smtp.corp.net
user jdoe@corp.net
password $P5
account home
password "$W3"
account default : work
EOF
want home/.msmtprc 6 msmtprc-password "$P5"
want home/.msmtprc 8 msmtprc-password "$W3"
neg home/.fetchmailrc <<EOF
# poll imap.corp.net user "jdoe" password "$P4"
poll imap.corp.net user "jdoe" password ""
EOF
neg home/.msmtprc <<EOF
# password $P5
passwordeval "gpg -q --for-your-eyes-only -d ~/.msmtp-password.gpg"
password
EOF

# ===================== MySQL option files =====================
P6=$(secret) W4=$(weak 3) P7=$(secret)
pos home/.my.cnf <<EOF
[client]
user=root
password="$P6"
host=127.0.0.1

[mysqldump]
password = '$W4'
EOF
want home/.my.cnf 3 mysql-option-file-password "$P6"
want home/.my.cnf 7 mysql-option-file-password "$W4"
pos etc/mysql/debian.cnf <<EOF
[client]
host     = localhost
user     = debian-sys-maint
password = $P7   # set by the package
EOF
want etc/mysql/debian.cnf 4 mysql-option-file-password "$P7"
neg home/.my.cnf <<EOF
[client]
# password=$P6
password
password=
EOF

# ===================== OpenVPN auth-user-pass files =====================
P8=$(secret) W5=$(weak 4)
pos vpn/client.ovpn <<EOF
client
remote vpn.corp.net 1194
auth-user-pass auth.txt
EOF
pos vpn/auth.txt <<EOF
vpnuser
$P8
EOF
want vpn/auth.txt 2 openvpn-auth-user-pass-file "$P8"
printf 'ops@corp.net\r\n%s\r\n' "$W5" | pos office.auth
want office.auth 2 openvpn-auth-user-pass-file "$W5"
P8B=$(secret)
pos vpn/office.ovpn <<EOF
client
remote vpn.corp.net 1194
<auth-user-pass>
vpnuser
$P8B
</auth-user-pass>
EOF
want vpn/office.ovpn 5 openvpn-inline-auth-user-pass "$P8B"
# not two lines, or not a name people give the file
printf 'vpnuser\n' | neg vpn/auth.txt
printf 'user\n%s\nthird line\n' "$P8" | neg other/auth.txt
printf 'vpnuser\n%s\n' "$P8" | neg notes/todo.txt

# ===================== PgBouncer userlist.txt =====================
P9=$(secret) W6=$(weak 5) MD5=$(rand_hex 32)
SALT=$(rand_alnum 16 | base64 -w0) K1=$(rand_alnum 32 | base64 -w0) K2=$(rand_alnum 32 | base64 -w0)
pos pgbouncer/userlist.txt <<EOF
"app" "$P9"
"report""er" "$W6" ""
"legacy" "md5$MD5"
"stats" "SCRAM-SHA-256\$4096:$SALT\$$K1:$K2"
EOF
want pgbouncer/userlist.txt 1 pgbouncer-userlist-password "$P9"
want pgbouncer/userlist.txt 2 pgbouncer-userlist-password "$W6"
want pgbouncer/userlist.txt 3 pgbouncer-userlist-hash "md5$MD5"
want pgbouncer/userlist.txt 4 pgbouncer-userlist-hash "SCRAM-SHA-256\$4096:$SALT\$$K1:$K2"
neg pgbouncer/userlist.txt <<EOF
;"app" "$P9"
"app" ""
EOF

# ===================== Postfix sasl_passwd =====================
P10=$(secret) W7=$(weak 6)
pos etc/postfix/sasl_passwd <<EOF
# smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd
[smtp.relay.net]:587 alerts@corp.net:$P10
mail.isp.net   username:$W7
EOF
want etc/postfix/sasl_passwd 2 postfix-sasl-password "$P10"
want etc/postfix/sasl_passwd 3 postfix-sasl-password "$W7"
W7B=$(weak 11) MAPS=smtp_sasl_password_maps
pos etc/postfix/main.cf <<EOF
relayhost = [smtp.relay.net]:587
smtp_sasl_auth_enable = yes
$MAPS = static:apikey:$W7B
EOF
want etc/postfix/main.cf 3 postfix-static-sasl-password "$W7B"
neg etc/postfix/main.cf <<EOF
smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd
#$MAPS = static:apikey:$W7B
EOF
neg etc/postfix/sasl_passwd <<EOF
# [smtp.relay.net]:587 alerts@corp.net:$P10
[smtp.relay.net]:587 alerts@corp.net:
EOF

# ===================== Subversion auth cache =====================
W8=$(weak 7) REALM=$(rand_hex 32)
pos "home/.subversion/auth/svn.simple/$REALM" <<EOF
K 8
passtype
V 6
simple
K 8
password
V ${#W8}
$W8
K 8
username
V 4
jdoe
END
EOF
want "home/.subversion/auth/svn.simple/$REALM" 8 svn-simple-password "$W8"
neg "home/.subversion/auth/svn.simple/$REALM" <<EOF
K 8
passtype
V 9
gpg-agent
K 8
username
V 4
jdoe
END
EOF

# ===================== Windows answer files =====================
P11=$(secret) W9=$(weak 8) P12=$(secret)
ENC=$(printf '%sAdministratorPassword' "$P12" | iconv -t UTF-16LE | base64 -w0)
pos deploy/autounattend.xml <<EOF
<?xml version="1.0" encoding="utf-8"?>
<unattend xmlns="urn:schemas-microsoft-com:unattend">
  <settings pass="oobeSystem">
    <component name="Microsoft-Windows-Shell-Setup">
      <UserAccounts>
        <AdministratorPassword>
          <Value>$P11</Value>
          <PlainText>true</PlainText>
        </AdministratorPassword>
      </UserAccounts>
      <AutoLogon>
        <Password><Value>$ENC</Value><PlainText>false</PlainText></Password>
        <Username>Administrator</Username>
      </AutoLogon>
    </component>
  </settings>
  <settings pass="specialize">
    <component name="Microsoft-Windows-UnattendedJoin">
      <Identification><Credentials><Domain>corp</Domain><Password>$W9</Password><Username>joiner</Username></Credentials></Identification>
    </component>
  </settings>
</unattend>
EOF
want deploy/autounattend.xml 7 windows-unattend-password "$P11"
want deploy/autounattend.xml 12 windows-unattend-password "$ENC"
want deploy/autounattend.xml 19 windows-unattend-password "$W9"
neg Panther/unattend.xml <<EOF
<unattend xmlns="urn:schemas-microsoft-com:unattend">
  <settings pass="oobeSystem">
    <AdministratorPassword>
      <Value></Value>
      <PlainText>true</PlainText>
    </AdministratorPassword>
    <AutoLogon><Password><Value>*SENSITIVE*DATA*DELETED*</Value></Password></AutoLogon>
  </settings>
  <settings pass = 'windowsPE'/>
</unattend>
EOF

# ===================== ZNC =====================
H=$(rand_hex 64) S=$(rand_alnum 20) P13=$(secret)
pos home/.znc/configs/znc.conf <<EOF
Version = 1.8.2
<User admin>
	<Pass password>
		Method = sha256
		Hash = $H
		Salt = $S
	</Pass>
	<Network libera>
		Server = irc.libera.chat +6697 $P13
	</Network>
</User>
EOF
want home/.znc/configs/znc.conf 5 znc-password-hash "$H"
want home/.znc/configs/znc.conf 9 znc-server-password "$P13"
neg home/.znc/configs/znc.conf <<EOF
<User admin>
	<Network libera>
		Server = irc.libera.chat +6697
	</Network>
</User>
EOF

# ===================== Grafana =====================
P14=$(secret) W10=$(weak 9) SK=$(rand_alnum 20) P15=$(secret)
pos etc/grafana/grafana.ini <<EOF
[database]
type = postgres
password = $P14
[security]
admin_password = $W10
secret_key = $SK
[smtp]
password = """#$P15;"""
EOF
want etc/grafana/grafana.ini 3 grafana-ini-secret "$P14"
want etc/grafana/grafana.ini 5 grafana-ini-secret "$W10"
want etc/grafana/grafana.ini 6 grafana-ini-secret "$SK"
want etc/grafana/grafana.ini 8 grafana-ini-secret "#$P15;"
neg etc/grafana/grafana.ini <<EOF
[database]
password = \$__env{GF_DATABASE_PASSWORD}
;admin_password = $W10
[security]
admin_password = admin
password =
EOF

# ===================== IRC NickServ IDENTIFY =====================
W11=$(weak 10) P16=$(secret)
pos home/.irssi/config <<EOF
chatnets = {
  liberachat = {
    type = "IRC";
    autosendcmd = "/msg NickServ IDENTIFY jdoe $W11; wait 2000";
  };
};
EOF
want home/.irssi/config 4 irc-nickserv-identify "$W11"
pos home/.weechat/irc.conf <<EOF
libera.command = "/msg nickserv identify $P16"
EOF
want home/.weechat/irc.conf 1 irc-nickserv-identify "$P16"
neg home/.irssi/config <<EOF
    autosendcmd = "/msg NickServ IDENTIFY <password>; wait 2000";
    autosendcmd = "/msg NickServ IDENTIFY \$nickpass";
EOF

# ===================== ASP.NET machineKey, MySQL native hashes =====================
VK=$(HEXU 128) DK=$(HEXU 64) MH=$(HEXU 40) MH2=$(HEXU 40)
pos web/Web.config <<EOF
<configuration>
  <system.web>
    <machineKey validationKey="$VK"
                decryptionKey="$DK" validation="HMACSHA256" decryption="AES" />
  </system.web>
</configuration>
EOF
want web/Web.config 3 aspnet-machine-key "$VK"
want web/Web.config 4 aspnet-machine-key "$DK"
pos db/users.sql <<EOF
INSERT INTO \`user\` (\`Host\`, \`User\`, \`plugin\`, \`authentication_string\`) VALUES
('%','app','mysql_native_password','*$MH');
GRANT ALL ON app.* TO 'app'@'%' IDENTIFIED BY PASSWORD '*$MH2';
EOF
want db/users.sql 2 mysql-native-password-hash "*$MH"
want db/users.sql 3 mysql-native-password-hash "*$MH2"
neg web/Web.config <<EOF
<machineKey validationKey="AutoGenerate,IsolateApps" decryptionKey="AutoGenerate,IsolateApps" />
EOF
neg src/glob.c <<EOF
if (c == '*') /* $(HEXU 40) */
EOF

# ===================== provider tokens in code =====================
TG="$(tr -dc 1-9 </dev/urandom | head -c 10):AA$(rand_alnum 33)"
SID="AC$(rand_hex 32)" TOK=$(rand_hex 32) SID2="AC$(rand_hex 32)" TOK2=$(rand_hex 32)
MG="key-$(rand_hex 32)" KID="AKIA$(rand_upper 16)" AK=$(rand_alnum 40) ST="sntrys_$(rand_alnum 80)"
pos app/snippets.py <<EOF
bot = Bot('$TG')

from twilio.rest import Client
client = Client('$SID', '$TOK')

mg = Mailgun("$MG", "mg.corp.net")
EOF
want app/snippets.py 1 telegram-bot-token-bare "$TG"
want app/snippets.py 4 twilio-sid-auth-token-pair "$TOK"
want app/snippets.py 6 'mailgun-api-key(-named)?' "$MG"
pos app/notify.js <<EOF
const accountSid = "$SID2";
const authToken = "$TOK2";
EOF
want app/notify.js 2 twilio-sid-auth-token-pair "$TOK2"
pos ops/keys.yml <<EOF
aws:
  - $KID

  - $AK
EOF
want ops/keys.yml 4 aws-secret-key-after-key-id "$AK"
SPUB=$(rand_hex 32) SSEC=$(rand_hex 32)
pos app/.env <<EOF
SENTRY_AUTH_TOKEN=$ST
SENTRY_DSN=https://$SPUB:$SSEC@sentry.corp.net/12
EOF
want app/.env 1 sentry-org-auth-token-opaque "$ST"
want app/.env 2 sentry-dsn-secret "$SSEC"
neg app/.env <<EOF
SENTRY_DSN=https://$(rand_hex 32)@o$(tr -dc 1-9 </dev/urandom | head -c 6).ingest.sentry.io/$(tr -dc 1-9 </dev/urandom | head -c 7)
EOF
neg app/client.py <<EOF
client = Client('$SID', auth_token)
cache_key = "key-$(rand_hex 32)"
EOF

# ===================== Redis, RabbitMQ, Wi-Fi, Java key stores, .pypirc =====================
W12=$(weak 12) P17=$(secret) P18=$(secret) P19=$(secret)
pos etc/redis/redis.conf <<EOF
bind 127.0.0.1 -::1
requirepass $W12
masterauth "$P17"
# requirepass foobared
EOF
want etc/redis/redis.conf 2 redis-conf-password "$W12"
want etc/redis/redis.conf 3 redis-conf-password "$P17"
pos etc/redis/users.acl <<EOF
user worker on >$P18 ~jobs:* +@all
EOF
want etc/redis/users.acl 1 redis-conf-password "$P18"
pos etc/redis/sentinel.conf <<EOF
sentinel monitor mymaster 10.0.0.5 6379 2
sentinel auth-pass mymaster $P19
EOF
want etc/redis/sentinel.conf 2 redis-conf-password "$P19"
neg etc/redis/redis.conf <<EOF
# requirepass $W12
requirepass foobared
user default on nopass ~* +@all
EOF
P20=$(secret) W13=$(weak 13)
pos etc/rabbitmq/rabbitmq.conf <<EOF
listeners.tcp.default = 5672
default_user = admin
default_pass = $P20
EOF
want etc/rabbitmq/rabbitmq.conf 3 rabbitmq-conf-password "$P20"
pos etc/rabbitmq/advanced.config <<EOF
[{rabbit, [{default_user, <<"admin">>}, {default_pass, <<"$W13">>}]}].
EOF
want etc/rabbitmq/advanced.config 1 rabbitmq-conf-password "$W13"
neg etc/rabbitmq/rabbitmq.conf <<EOF
# default_pass = $P20
default_pass = guest
EOF
P21=$(secret) W14=$(weak 14) PSKHEX=$(rand_hex 64)
pos etc/wpa_supplicant/wpa_supplicant.conf <<EOF
network={
	ssid="office-5g"
	#psk="$W14 at home"
	psk=$PSKHEX
}
network={
	ssid="corp"
	key_mgmt=WPA-EAP
	identity="jdoe"
	password="$P21"
}
EOF
want etc/wpa_supplicant/wpa_supplicant.conf 3 wifi-network-password "$W14 at home"
want etc/wpa_supplicant/wpa_supplicant.conf 4 wifi-network-password "$PSKHEX"
want etc/wpa_supplicant/wpa_supplicant.conf 10 wifi-network-password "$P21"
neg etc/wpa_supplicant/wpa_supplicant.conf <<EOF
network={
	ssid="office-5g"
	# password="$P21"
	key_mgmt=WPA-PSK
}
EOF
P22=$(secret) W15=$(weak 15)
pos tomcat/conf/server.xml <<EOF
<Server port="8005" shutdown="SHUTDOWN">
  <Connector port="8443" SSLEnabled="true" keystoreFile="conf/ks.jks" keystorePass="$P22" />
  <Connector port="8444" SSLEnabled="true">
    <SSLHostConfig><Certificate certificateKeystoreFile="conf/ks.p12" certificateKeystorePassword="$W15" /></SSLHostConfig>
  </Connector>
</Server>
EOF
want tomcat/conf/server.xml 2 java-keystore-password-attribute "$P22"
want tomcat/conf/server.xml 4 java-keystore-password-attribute "$W15"
neg tomcat/conf/server.xml <<EOF
<Connector keystorePass="changeit" />
<Connector keystorePass="\${keystore.password}" />
EOF
P23=$(secret)
pos home/.pypirc <<EOF
[distutils]
index-servers = internal

[internal]
repository = https://pypi.corp.net/
username = release
password = $P23
EOF
want home/.pypirc 7 pypirc-password "$P23"
neg home/.pypirc <<EOF
[pypi]
username = __token__
# password = $P23
password =
EOF

# ===================== the scan =====================
PAT="$LW_TESTS_DIR/../patterns"
OURS=$(python3 -c '
import json, sys
ids = [r["id"] for r in json.load(open(sys.argv[1]))["rules"]]
ids += ["telegram-bot-token-bare", "twilio-sid-auth-token-pair", "mailgun-api-key-named",
        "aws-secret-key-after-key-id", "sentry-org-auth-token-opaque", "sentry-dsn", "sentry-dsn-secret"]
print(",".join(ids))' "$PAT/service-credentials.json")
check "the rules are found" test "$(echo "$OURS" | tr , '\n' | wc -l)" -gt 20
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
for x in r:
    if x["rule"] in ours and not any("pos/" + p == x["path"] and int(l) == x["line"] and re.fullmatch(ru, x["rule"])
               and x["secret"] == s for p, l, ru, s in want):
        print("FAIL unexpected", x["rule"], x["path"], x["line"])
        fails += 1
# the configuration pass of an answer file is not a password, for any rule
for x in r:
    if x["path"] == "pos/deploy/autounattend.xml" and x["line"] in (3, 17):
        print("FAIL pass name reported", x["rule"], x["line"])
        fails += 1
sys.exit(1 if fails else 0)
PY
check "every format's password is reported, nothing else (see the list above)" test $? = 0
lw neg scan --no-config --format json neg
check "negatives: comments, empty values, references, placeholders, public DSN: no finding of these rules" \
	pyj "$LW_TMP/neg.out" '[x for x in r if x["rule"] in a[0].split(",")] == []' "$OURS"
check "negatives: the answer files' pass names: no finding of any rule" \
	pyj "$LW_TMP/neg.out" '[x for x in r if "unattend" in x["path"]] == []'

finish
