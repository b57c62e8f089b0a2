/*
 * banned: functions that are easy to misuse. Included last by every .c file of the project, so a use
 * of one of these is a compile error. Use snprintf/sbuf instead of sprintf/strcpy/strcat, strtok_r
 * is also banned (use explicit scanning), and rand() is banned (use prng).
 */
#ifndef BANNED_H
#define BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef strtok_r
#define strtok_r(x, y, z) BANNED(strtok_r)
#undef gets
#define gets(x) BANNED(gets)
#undef rand
#define rand() BANNED(rand)

#endif
