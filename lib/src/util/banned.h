/*
 * banned.h - functions that are easy to misuse with untrusted input. Using
 * one is a compile error; use the bounded alternative named beside it.
 */
#ifndef LW_BANNED_H
#define LW_BANNED_H

#define LW_BANNED(f) sorry_##f##_is_banned_in_leakwalk

#undef strcpy
#define strcpy(x, y) LW_BANNED(strcpy)      /* use snprintf or memcpy */
#undef strcat
#define strcat(x, y) LW_BANNED(strcat)      /* use snprintf */
#undef strncpy
#define strncpy(x, y, n) LW_BANNED(strncpy) /* use snprintf */
#undef sprintf
#define sprintf(...) LW_BANNED(sprintf)     /* use snprintf */
#undef vsprintf
#define vsprintf(...) LW_BANNED(vsprintf)   /* use vsnprintf */
#undef strtok
#define strtok(x, y) LW_BANNED(strtok)      /* not reentrant */
#undef gets
#define gets(x) LW_BANNED(gets)
#undef system
#define system(x) LW_BANNED(system)         /* no shell-outs */
#undef popen
#define popen(x, y) LW_BANNED(popen)        /* no shell-outs */

#endif
