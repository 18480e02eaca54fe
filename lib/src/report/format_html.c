/*
 * format_html.c - one self-contained HTML page: a sortable, filterable table
 * of findings, counts by rule and by severity, and a timeline of when the
 * secrets were introduced and whether they are still present.
 *
 * The page makes no network request (a Content-Security-Policy forbids it):
 * CSS and JavaScript are inline. The table rows are rendered here, HTML-
 * escaped, so the page reads without JavaScript; the script sorts, filters
 * and draws the summaries from a JSON copy of the findings embedded in a
 * <script type="application/json"> element, in which every '<', '>', '&',
 * U+2028 and U+2029 is a \u escape, so no data can close the element or
 * open a comment. The script only ever sets textContent.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "report/format.h"
#include "report/json_write.h"
#include "report/xml_write.h"

static void h_str(lw_buf *o, const char *s)
{
	if (s)
		lw_xml__text(o, s, strlen(s));
}

/* Copies JSON text, replacing what could end a <script> element or be read
 * as a line terminator by older JavaScript engines. */
static void h_json_safe(lw_buf *o, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '<')
			lw_buf_puts(o, "\\u003c");
		else if (c == '>')
			lw_buf_puts(o, "\\u003e");
		else if (c == '&')
			lw_buf_puts(o, "\\u0026");
		else if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
			 ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			lw_buf_printf(o, "\\u%04x", 0x2028 + ((unsigned char)s[i + 2] - 0xa8));
			i += 2;
		} else {
			lw_buf_putc(o, (char)c);
		}
	}
}

static void j_record(lw_buf *o, const lw_record *rec, const lw_output_options *opt)
{
	lw_buf_puts(o, "{\"rule\":");
	lw_json__str(o, rec->rule_id);
	lw_buf_puts(o, ",\"description\":");
	lw_json__str(o, rec->description);
	lw_buf_printf(o, ",\"severity\":\"%s\",\"sev\":%d,\"confidence\":\"%s\",\"conf\":%d,\"path\":",
		lw_severity_name(rec->severity), (int)rec->severity, lw_confidence_name(rec->confidence),
		(int)rec->confidence);
	lw_json__str(o, rec->path);
	lw_buf_printf(o, ",\"line\":%u,\"column\":%u,\"secret\":", rec->line, rec->column);
	lw_json__secret(o, rec, opt->redact);
	lw_buf_puts(o, ",\"commit\":");
	lw_json__str(o, rec->commit);
	lw_buf_puts(o, ",\"author\":");
	lw_json__str(o, rec->author);
	lw_buf_puts(o, ",\"email\":");
	lw_json__str(o, rec->email);
	lw_buf_puts(o, ",\"date\":");
	lw_json__str(o, rec->date);
	lw_buf_puts(o, ",\"message\":");
	lw_json__str(o, rec->message);
	lw_buf_puts(o, ",\"fingerprint\":");
	lw_json__str(o, rec->fingerprint);
	lw_buf_puts(o, ",\"present\":");
	if (!rec->has_present)
		lw_buf_puts(o, "null");
	else
		lw_json__strs(o, rec->present, rec->npresent);
	lw_buf_putc(o, '}');
}

static void h_data(lw_buf *o, lw_report *r, const lw_output_options *opt)
{
	lw_buf js;

	lw_buf_init(&js, 0);
	js.wipe = !opt->redact;
	lw_buf_putc(&js, '[');
	for (size_t i = 0; i < lw_report_count(r); i++) {
		if (i)
			lw_buf_puts(&js, ",\n");
		j_record(&js, lw_report_get(r, i), opt);
	}
	lw_buf_puts(&js, "]");
	if (js.overflow)
		o->overflow = 1;
	lw_buf_puts(o, "<script type=\"application/json\" id=\"lw-data\">");
	h_json_safe(o, js.data ? js.data : "[]", js.len);
	lw_buf_puts(o, "</script>\n");
	lw_buf_release(&js);
}

static const char h_css[] =
	"<style>\n"
	":root{--bg:#fff;--fg:#1d2330;--mut:#5f6b7a;--line:#dde2ea;--card:#f6f8fb;"
	"--crit:#8f1d2c;--high:#c8412f;--med:#d38b12;--low:#3f7fbf;--info:#6b7785;"
	"--present:#c8412f;--gone:#8aa1b8;--unk:#b9c2cc}\n"
	"@media (prefers-color-scheme:dark){:root{--bg:#14171c;--fg:#e3e7ee;--mut:#9aa5b4;"
	"--line:#2c333d;--card:#1b2027}}\n"
	"*{box-sizing:border-box}body{margin:0;padding:16px 24px;font:14px/1.45 system-ui,-apple-system,"
	"'Segoe UI',sans-serif;background:var(--bg);color:var(--fg)}\n"
	"h1{font-size:20px;margin:0 0 2px}h2{font-size:15px;margin:0 0 8px}\n"
	".meta{color:var(--mut);margin:0 0 10px}.meta b{color:var(--fg)}\n"
	"code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}\n"
	"#summary{display:grid;grid-template-columns:minmax(170px,1fr) minmax(220px,1.3fr) "
	"minmax(260px,2fr);gap:12px;margin-bottom:14px}\n"
	"@media (max-width:800px){#summary{grid-template-columns:1fr 1fr}#summary .tl{grid-column:1/-1}}\n"
	".card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 12px}\n"
	".card h2{font-size:13px;margin:0 0 4px}.scroll{max-height:118px;overflow:auto}\n"
	".counts{border-collapse:collapse;width:100%}.counts td{padding:2px 6px;border:0}"
	".counts td.n{text-align:right;font-variant-numeric:tabular-nums;width:4em}"
	".bar{height:10px;border-radius:3px;background:var(--low);min-width:2px}\n"
	".sev{display:inline-block;padding:1px 7px;border-radius:10px;color:#fff;font-size:12px;"
	"font-weight:600}\n"
	".sev-critical{background:var(--crit)}.sev-high{background:var(--high)}"
	".sev-medium{background:var(--med)}.sev-low{background:var(--low)}.sev-info{background:var(--info)}\n"
	"#lw-timeline{display:flex;align-items:flex-end;gap:2px;height:72px;padding:4px 0;"
	"border-bottom:1px solid var(--line);overflow-x:auto}\n"
	".tcol{flex:1 1 0;min-width:6px;display:flex;flex-direction:column-reverse;height:100%}\n"
	".tseg{width:100%}.t-present{background:var(--present)}.t-gone{background:var(--gone)}"
	".t-unk{background:var(--unk)}\n"
	"#lw-tlabels{display:flex;justify-content:space-between;color:var(--mut);font-size:12px;"
	"margin-top:4px}\n"
	".legend{color:var(--mut);font-size:12px;margin:4px 0 0}.legend i{display:inline-block;"
	"width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}\n"
	".controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:0 0 10px}\n"
	".controls input,.controls select{font:inherit;padding:4px 8px;border:1px solid var(--line);"
	"border-radius:6px;background:var(--bg);color:var(--fg)}.controls input{min-width:260px}\n"
	"#lw-shown{color:var(--mut)}\n"
	"table.findings{border-collapse:collapse;width:100%}\n"
	".findings th,.findings td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);"
	"vertical-align:top}\n"
	".findings th{position:sticky;top:0;background:var(--card);cursor:pointer;user-select:none;"
	"white-space:nowrap}\n"
	".findings th[aria-sort=ascending]::after{content:' \\25B2'}"
	".findings th[aria-sort=descending]::after{content:' \\25BC'}\n"
	".findings td.nw{white-space:nowrap}.findings td.loc{word-break:break-all;min-width:16em}.findings .ctx{display:block;color:var(--mut);"
	"white-space:pre-wrap;word-break:break-all;margin-top:2px}\n"
	".yes{color:var(--present);font-weight:600}.no{color:var(--mut)}\n"
	"code.fp{user-select:all;cursor:copy}\n"
	".empty{padding:24px;text-align:center;color:var(--mut)}\n"
	"</style>\n";

static const char h_js[] =
	"<script>\n"
	"(function(){'use strict';\n"
	"var data=JSON.parse(document.getElementById('lw-data').textContent);\n"
	"function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;"
	"if(text!=null)e.textContent=String(text);return e;}\n"
	"function clear(e){while(e.firstChild)e.removeChild(e.firstChild);}\n"
	"function state(f){return f.present===null?'unk':(f.present.length?'present':'gone');}\n"
	/* counts */
	"function counts(id,key,label){var m={},order=[];data.forEach(function(f){var k=f[key];"
	"if(!(k in m)){m[k]={n:0,f:f};order.push(k);}m[k].n++;});"
	"order.sort(function(a,b){return key==='severity'?m[b].f.sev-m[a].f.sev:(m[b].n-m[a].n||"
	"(a<b?-1:1));});var max=1;order.forEach(function(k){if(m[k].n>max)max=m[k].n;});"
	"var t=document.getElementById(id);clear(t);if(!order.length){var r=t.insertRow();"
	"var c=r.insertCell();c.textContent='none';c.className='empty';return;}"
	"order.forEach(function(k){var r=t.insertRow(),a=r.insertCell(),b=r.insertCell(),"
	"c=r.insertCell();a.appendChild(label(k,m[k].f));b.className='n';b.textContent=m[k].n;"
	"var bar=el('div','bar'+(key==='severity'?' sev-'+k:''));bar.style.width=(100*m[k].n/max)+'%';"
	"c.appendChild(bar);c.style.width='50%';});}\n"
	"counts('lw-by-sev','severity',function(k){return el('span','sev sev-'+k,k);});\n"
	"counts('lw-by-rule','rule',function(k,f){var s=el('code',null,k);s.title=f.description||'';"
	"return s;});\n"
	/* timeline: findings per month of the introducing commit */
	"(function(){var tl=document.getElementById('lw-timeline'),lab=document.getElementById('lw-tlabels'),"
	"m={},keys=[];data.forEach(function(f){if(!f.date||!/^\\d{4}-\\d{2}/.test(f.date))return;"
	"var k=f.date.slice(0,7);if(!m[k])m[k]={present:0,gone:0,unk:0};m[k][state(f)]++;});"
	"keys=Object.keys(m).sort();clear(tl);clear(lab);if(!keys.length){tl.appendChild(el('p','empty',"
	"'No dates: these findings do not come from git history (use leakwalk audit).'));"
	"tl.style.height='auto';return;}"
	"var y=+keys[0].slice(0,4),mo=+keys[0].slice(5,7),end=keys[keys.length-1],all=[];"
	"for(var g=0;g<1200;g++){var k=y+'-'+(mo<10?'0':'')+mo;all.push(k);if(k>=end)break;"
	"if(++mo>12){mo=1;y++;}}"
	"var byYear=all.length>120,cols={},ck=[];all.forEach(function(k){var c=byYear?k.slice(0,4):k;"
	"if(!cols[c]){cols[c]={present:0,gone:0,unk:0};ck.push(c);}var v=m[k];if(v){cols[c].present+=v.present;"
	"cols[c].gone+=v.gone;cols[c].unk+=v.unk;}});"
	"var max=1;ck.forEach(function(c){var v=cols[c],t=v.present+v.gone+v.unk;if(t>max)max=t;});"
	"ck.forEach(function(c){var v=cols[c],col=el('div','tcol');var t=v.present+v.gone+v.unk;"
	"col.title=c+': '+t+' introduced ('+v.present+' still present, '+v.gone+' only in history'+"
	"(v.unk?', '+v.unk+' unknown':'')+')';"
	"['present','gone','unk'].forEach(function(s){if(!v[s])return;var d=el('div','tseg t-'+s);"
	"d.style.height=(100*v[s]/max)+'%';col.appendChild(d);});tl.appendChild(col);});"
	"lab.appendChild(el('span',null,ck[0]));if(ck.length>2)lab.appendChild(el('span',null,"
	"ck[Math.floor(ck.length/2)]));if(ck.length>1)lab.appendChild(el('span',null,ck[ck.length-1]));"
	"document.getElementById('lw-tunit').textContent=byYear?'per year':'per month';})();\n"
	/* sorting and filtering of the rendered rows */
	"var tbody=document.getElementById('lw-rows'),rows=Array.prototype.slice.call(tbody.rows),"
	"q=document.getElementById('lw-filter'),sv=document.getElementById('lw-sev'),"
	"pr=document.getElementById('lw-present'),cf=document.getElementById('lw-conf'),"
	"shown=document.getElementById('lw-shown');\n"
	"function keyOf(f,k){switch(k){case 'severity':return f.sev;case 'line':return f.line;"
	"case 'location':return [f.path,f.line];case 'present':return f.present===null?-1:"
	"f.present.length;default:return f[k]==null?'':String(f[k]).toLowerCase();}}\n"
	"function cmp(a,b){if(Array.isArray(a)){for(var i=0;i<a.length;i++){var c=cmp(a[i],b[i]);"
	"if(c)return c;}return 0;}return a<b?-1:a>b?1:0;}\n"
	"var ths=document.querySelectorAll('#lw-table th[data-key]');\n"
	"Array.prototype.forEach.call(ths,function(th){th.tabIndex=0;function go(){"
	"var k=th.getAttribute('data-key'),asc=th.getAttribute('aria-sort')!=='ascending';"
	"Array.prototype.forEach.call(ths,function(o){o.removeAttribute('aria-sort');});"
	"th.setAttribute('aria-sort',asc?'ascending':'descending');"
	"rows.sort(function(x,y){var a=data[+x.getAttribute('data-i')],b=data[+y.getAttribute('data-i')];"
	"var c=cmp(keyOf(a,k),keyOf(b,k));return asc?c:-c;});"
	"rows.forEach(function(r){tbody.appendChild(r);});}"
	"th.addEventListener('click',go);th.addEventListener('keydown',function(e){"
	"if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});});\n"
	"function filter(){var s=q.value.trim().toLowerCase(),v=sv.value,p=pr.value,c=cf.value,n=0;"
	"rows.forEach(function(r){var f=data[+r.getAttribute('data-i')],ok=true;"
	"if(v&&f.sev<+v)ok=false;if(c&&f.conf<+c)ok=false;if(p&&state(f)!==p)ok=false;"
	"if(ok&&s){var hay=[f.rule,f.description,f.severity,f.path+':'+f.line,f.commit,f.author,"
	"f.email,f.date,f.message,f.fingerprint,(f.present||[]).join(' ')].join('\\n').toLowerCase();"
	"ok=hay.indexOf(s)>=0;}r.hidden=!ok;if(ok)n++;});"
	"shown.textContent='showing '+n+' of '+data.length;}\n"
	/* what is typed or chosen goes into the URL's fragment, so the link keeps the view */
	"var sortKey='',sortDir='';\n"
	"function toHash(){var p=[];if(q.value)p.push('q='+encodeURIComponent(q.value));"
	"if(sv.value)p.push('sev='+encodeURIComponent(sv.value));"
	"if(cf.value)p.push('conf='+encodeURIComponent(cf.value));"
	"if(pr.value)p.push('present='+encodeURIComponent(pr.value));"
	"if(sortKey){p.push('sort='+encodeURIComponent(sortKey));if(sortDir==='desc')p.push('dir=desc');}"
	"var h=p.length?'#'+p.join('&'):'';if(h===location.hash||(!h&&!location.hash))return;"
	"try{history.replaceState(null,'',h||location.pathname+location.search);}"
	"catch(e){location.hash=h;}}\n"
	"[q,sv,pr,cf].forEach(function(e){e.addEventListener('input',function(){filter();toHash();});"
	"e.addEventListener('change',function(){filter();toHash();});});\n"
	"Array.prototype.forEach.call(ths,function(th){th.addEventListener('click',function(){"
	"sortKey=th.getAttribute('data-key');sortDir=th.getAttribute('aria-sort')==='descending'?'desc':'';"
	"toHash();});});\n"
	/* a link can carry a view: #q=TEXT&sev=N&conf=N&present=present|gone&sort=KEY&dir=desc */
	"(function(){var h=location.hash.replace(/^#/,''),o={};h.split('&').forEach(function(kv){"
	"var i=kv.indexOf('=');if(i>0){try{o[kv.slice(0,i)]=decodeURIComponent(kv.slice(i+1));}"
	"catch(e){}}});if(o.q)q.value=o.q;if(o.sev)sv.value=o.sev;if(o.conf)cf.value=o.conf;if(o.present)pr.value=o.present;"
	"if(o.sort){Array.prototype.forEach.call(ths,function(th){if(th.getAttribute('data-key')"
	"===o.sort){if(o.dir==='desc')th.setAttribute('aria-sort','ascending');th.click();}});}})();\n"
	"filter();\n"
	"document.documentElement.setAttribute('data-ready','1');\n"
	"})();\n"
	"</script>\n";

static void h_row(lw_buf *o, size_t i, const lw_record *rec, const lw_render_ctx *ctx)
{
	const lw_output_options *opt = ctx->opt;
	const char *sev = lw_severity_name(rec->severity);
	lw_buf tmp;

	lw_buf_printf(o, "<tr data-i=\"%zu\"><td class=\"nw\"><span class=\"sev sev-%s\">%s</span></td>"
			 "<td class=\"nw\"><code",
		i, sev, sev);
	lw_buf_puts(o, " title=\"");
	h_str(o, rec->description);
	lw_buf_puts(o, "\">");
	h_str(o, rec->rule_id);
	lw_buf_puts(o, "</code></td><td class=\"loc\"><span class=\"mono\">");
	h_str(o, rec->path);
	lw_buf_printf(o, ":%u</span><code class=\"ctx\">", rec->line);
	lw_buf_init(&tmp, 0);
	tmp.wipe = 1;
	lw_mask__line(&tmp, ctx->mask, rec, opt->redact, 0);
	size_t cut = tmp.len;
	if (cut > 400) {
		cut = 400;
		while (cut && ((unsigned char)tmp.data[cut] & 0xc0) == 0x80)
			cut--; /* not inside a UTF-8 sequence */
	}
	lw_xml__raw(o, tmp.data ? tmp.data : "", cut);
	if (cut < tmp.len)
		lw_buf_puts(o, "\xe2\x80\xa6");
	lw_buf_release(&tmp);
	lw_buf_puts(o, "</code></td><td class=\"nw\"><code>");
	lw_buf_init(&tmp, 0);
	tmp.wipe = 1;
	lw_mask__secret(&tmp, rec, opt->redact);
	lw_xml__text(o, tmp.data ? tmp.data : "", tmp.len);
	lw_buf_release(&tmp);
	lw_buf_puts(o, "</code></td><td class=\"nw\">");
	if (rec->commit) {
		lw_buf_puts(o, "<code title=\"");
		h_str(o, rec->commit);
		if (rec->message) {
			lw_buf_puts(o, ": ");
			h_str(o, rec->message);
		}
		lw_buf_puts(o, "\">");
		lw_xml__text(o, rec->commit, strlen(rec->commit) < 12 ? strlen(rec->commit) : 12);
		lw_buf_puts(o, "</code>");
	} else {
		lw_buf_puts(o, "<span class=\"no\">&#8212;</span>");
	}
	lw_buf_puts(o, "</td><td title=\"");
	h_str(o, rec->email);
	lw_buf_puts(o, "\">");
	h_str(o, rec->author);
	lw_buf_puts(o, "</td><td class=\"mono nw\" title=\"");
	h_str(o, rec->date);
	lw_buf_puts(o, "\">");
	if (rec->date)
		lw_xml__text(o, rec->date, strlen(rec->date) < 10 ? strlen(rec->date) : 10);
	lw_buf_puts(o, "</td><td>");
	if (!rec->has_present) {
		lw_buf_puts(o, "<span class=\"no\">&#8212;</span>");
	} else if (!rec->npresent) {
		lw_buf_puts(o, "<span class=\"no\">no (history only)</span>");
	} else {
		lw_buf_puts(o, "<span class=\"yes\">yes</span>: ");
		for (size_t k = 0; k < rec->npresent && k < 8; k++) {
			if (k)
				lw_buf_puts(o, ", ");
			h_str(o, rec->present[k]);
		}
		if (rec->npresent > 8)
			lw_buf_printf(o, " and %zu more", rec->npresent - 8);
	}
	lw_buf_puts(o, "</td><td><code class=\"fp\" title=\"to ignore it, add this line to "
		       ".leakwalkignore\">");
	h_str(o, rec->fingerprint);
	lw_buf_puts(o, "</code></td></tr>\n");
}

static void h_header(lw_buf *o, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opt)
{
	size_t n = lw_report_count(r);

	lw_buf_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		       "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
		       "base-uri 'none'; form-action 'none'\">\n"
		       "<meta name=\"referrer\" content=\"no-referrer\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	lw_buf_printf(o, "<title>leakwalk report: %zu finding%s</title>\n", n, n == 1 ? "" : "s");
	lw_buf_puts(o, h_css);
	lw_buf_puts(o, "</head>\n<body>\n<header>\n<h1>leakwalk report</h1>\n<p class=\"meta\">");
	lw_buf_printf(o, "<b id=\"lw-count\">%zu</b> finding%s", n, n == 1 ? "" : "s");
	if (meta && meta->command) {
		lw_buf_puts(o, " &#183; <code>leakwalk ");
		h_str(o, meta->command);
		lw_buf_puts(o, "</code>");
	}
	if (meta && meta->files)
		lw_buf_printf(o, " &#183; %llu %s scanned (%.1f MB)", (unsigned long long)meta->files,
			meta->command && !strcmp(meta->command, "audit") ? "blobs" : "files",
			(double)meta->bytes / 1e6);
	if (meta && meta->incomplete)
		lw_buf_puts(o, " &#183; <b>coverage incomplete</b>");
	lw_buf_puts(o, opt->redact ? " &#183; secrets redacted" : " &#183; <b>secrets shown in full</b>");
	lw_buf_puts(o, " &#183; leakwalk " LW_VERSION "</p>\n");
	for (size_t i = 0; meta && meta->notes && i < meta->nnotes; i++) {
		lw_buf_puts(o, "<p class=\"meta\">");
		h_str(o, meta->notes[i]);
		lw_buf_puts(o, "</p>\n");
	}
	lw_buf_puts(o, "</header>\n<noscript><p class=\"meta\">Sorting, filtering and the summaries "
		       "need JavaScript; the table below is complete without it.</p></noscript>\n");
}

static void h_summary(lw_buf *o)
{
	lw_buf_puts(o,
		"<section id=\"summary\">\n"
		"<div class=\"card\"><h2>By severity</h2><div class=\"scroll\"><table class=\"counts\" id=\"lw-by-sev\"></table></div></div>\n"
		"<div class=\"card\"><h2>By rule</h2><div class=\"scroll\"><table class=\"counts\" id=\"lw-by-rule\"></table></div></div>\n"
		"<div class=\"card tl\"><h2>When the secrets were introduced "
		"<span class=\"meta\" id=\"lw-tunit\"></span></h2>\n"
		"<div id=\"lw-timeline\"></div><div id=\"lw-tlabels\"></div>\n"
		"<p class=\"legend\"><i class=\"t-present\"></i>still present at a ref tip"
		"<i class=\"t-gone\"></i>only in history<i class=\"t-unk\"></i>unknown</p></div>\n"
		"</section>\n");
}

/* Most severe first; within a severity, secrets still at a ref tip, then
 * unknown, then those only in history; then the report's order. */
static int h_state_rank(const lw_record *rec)
{
	return !rec->has_present ? 1 : rec->npresent ? 0 : 2;
}

static int h_row_cmp(const void *a, const void *b, void *p)
{
	lw_report *r = p;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const lw_record *rx = lw_report_get(r, x), *ry = lw_report_get(r, y);

	if (rx->severity != ry->severity)
		return rx->severity > ry->severity ? -1 : 1;
	if (h_state_rank(rx) != h_state_rank(ry))
		return h_state_rank(rx) < h_state_rank(ry) ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The order of the table's rows (indices into the report), or NULL. */
static size_t *h_row_order(lw_report *r)
{
	size_t n = lw_report_count(r), *v = malloc((n ? n : 1) * sizeof(size_t));

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = i;
	qsort_r(v, n, sizeof(size_t), h_row_cmp, r);
	return v;
}

static void h_table(lw_buf *o, const lw_render_ctx *ctx)
{
	lw_report *r = ctx->report;
	size_t n = lw_report_count(r);

	lw_buf_puts(o,
		"<section id=\"findings\">\n<h2>Findings</h2>\n<div class=\"controls\">"
		"<input id=\"lw-filter\" type=\"search\" placeholder=\"Filter: rule, path, author, commit, "
		"ref\" aria-label=\"Filter findings\">"
		"<select id=\"lw-sev\" aria-label=\"Minimum severity\"><option value=\"\">any severity"
		"</option><option value=\"4\">critical</option><option value=\"3\">high and above</option>"
		"<option value=\"2\">medium and above</option><option value=\"1\">low and above</option>"
		"</select><select id=\"lw-conf\" aria-label=\"Minimum confidence\"><option value=\"\">"
		"any confidence</option><option value=\"2\">high</option><option value=\"1\">medium and "
		"above</option></select><select id=\"lw-present\" aria-label=\"Still present\">"
		"<option value=\"\">present or not</option><option value=\"present\">still present</option>"
		"<option value=\"gone\">only in history</option></select>"
		"<span id=\"lw-shown\"></span></div>\n"
		"<table class=\"findings\" id=\"lw-table\"><thead><tr>"
		"<th data-key=\"severity\">Severity</th><th data-key=\"rule\">Rule</th>"
		"<th data-key=\"location\">Location</th><th data-key=\"secret\">Secret</th>"
		"<th data-key=\"commit\">Commit</th><th data-key=\"author\">Author</th>"
		"<th data-key=\"date\">Date</th><th data-key=\"present\">Present</th>"
		"<th data-key=\"fingerprint\" title=\"a line of .leakwalkignore\">Fingerprint</th>"
		"</tr></thead>\n<tbody id=\"lw-rows\">\n");
	size_t *order = h_row_order(r);
	for (size_t k = 0; k < n; k++) {
		size_t i = order ? order[k] : k;
		h_row(o, i, lw_report_get(r, i), ctx);
	}
	free(order);
	lw_buf_puts(o, "</tbody></table>\n");
	if (n == 0)
		lw_buf_puts(o, "<p class=\"empty\" id=\"lw-none\">No secrets found.</p>\n");
	lw_buf_puts(o, "</section>\n");
}

static void lw_render_html(lw_buf *o, const lw_render_ctx *ctx)
{
	h_header(o, ctx->report, ctx->meta, ctx->opt);
	h_summary(o);
	h_table(o, ctx);
	h_data(o, ctx->report, ctx->opt);
	lw_buf_puts(o, h_js);
	lw_buf_puts(o, "</body>\n</html>\n");
}

const lw_format_def lw_format__html = {
	{ "html", "html", "self-contained HTML page" },
	lw_render_html,
};
