/*
 * log.h - one-line logging to stderr.
 *
 * Lines are written whole with one write(2), so threads never interleave.
 * Personal data never goes into a log line: callers log ids, not names or phones.
 */
#ifndef GR_LOG_H
#define GR_LOG_H

enum gr_log_level { GR_LOG_ERROR = 0, GR_LOG_WARN = 1, GR_LOG_INFO = 2, GR_LOG_DEBUG = 3 };

/* Set once at start-up, before threads exist. */
void gr_log_set_level(enum gr_log_level level);
enum gr_log_level gr_log_get_level(void);
void gr_log(enum gr_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
