/*
 * err: error codes and a per-thread error message.
 *
 * Calling sequence:
 *   if (something_failed)
 *       return err_set(ERR_IO, "unable to open '%s'", path);   (or err_errno(...) to append strerror)
 *   ...
 *   fprintf(stderr, "walker: %s\n", err_msg());               (only main.c prints)
 *
 * Library functions return 0 on success or a negative ERR_* code; the message describing the last
 * failure of the calling thread is kept until the next err_set on that thread.
 */
#ifndef ERR_H
#define ERR_H

enum err_code {
	ERR_OK = 0,
	ERR_GENERIC = -1, /* anything not listed below */
	ERR_IO = -2,      /* an operating-system call failed: errno was appended */
	ERR_USAGE = -3,   /* bad command line or option value */
	ERR_CONFIG = -4,  /* a configuration or rule file is malformed */
	ERR_NOTFOUND = -5,
	ERR_EXISTS = -6,
	ERR_FORMAT = -7,  /* a file we read does not have the expected format */
	ERR_REFUSED = -8, /* a safety check declined the operation */
	ERR_GIT = -9,     /* libgit2 reported an error */
	ERR_LIMIT = -10,  /* a size, depth or time limit was hit */
};

/* Format the message for the current thread and return code. Never fails. */
int err_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Like err_set(ERR_IO, ...), with ": strerror(errno)" appended (errno read on entry). */
int err_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The calling thread's last message ("" when none). Valid until the next err_set on this thread. */
const char *err_msg(void);

#endif
