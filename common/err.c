#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "banned.h"

static _Thread_local char err_buf[1024];

static void err_vformat(const char *fmt, va_list ap, int saved_errno)
{
	int n = vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
	if (n < 0)
		n = 0;
	if (saved_errno && (size_t)n < sizeof(err_buf))
		snprintf(err_buf + n, sizeof(err_buf) - (size_t)n, ": %s", strerror(saved_errno));
}

int err_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vformat(fmt, ap, 0);
	va_end(ap);
	return code;
}

int err_errno(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	err_vformat(fmt, ap, saved);
	va_end(ap);
	errno = saved;
	return ERR_IO;
}

const char *err_msg(void)
{
	return err_buf;
}
