/* xml_write.h - XML and HTML text, for junit and html. */
#ifndef LW_REPORT_XML_WRITE_H
#define LW_REPORT_XML_WRITE_H

#include "internal.h"

/* XML/HTML text: `s` made safe for a terminal (lw_escape_text), then &<>"'
 * as entities; nothing for NULL. _raw: only the entities, for text escaped
 * already. */
void lw_xml__text(lw_buf *out, const char *s, size_t len);
void lw_xml__raw(lw_buf *out, const char *s, size_t len);

#endif
