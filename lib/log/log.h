/* Log lines on stderr with sd-daemon priority prefixes ("<4>..."), so
 * journald files them at the right level. */
#ifndef LB_LOG_H
#define LB_LOG_H

#include <stdarg.h>

enum { LB_ERR = 3, LB_WARNING = 4, LB_NOTICE = 5, LB_INFO = 6, LB_DEBUG = 7 };

void lb_log_set_max_level(int level);
int lb_log_max_level(void);
void lb_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lb_logv(int level, const char *who, const char *fmt, va_list ap);

#define lb_err(...) lb_log(LB_ERR, __VA_ARGS__)
#define lb_warn(...) lb_log(LB_WARNING, __VA_ARGS__)
#define lb_notice(...) lb_log(LB_NOTICE, __VA_ARGS__)
#define lb_info(...) lb_log(LB_INFO, __VA_ARGS__)
#define lb_debug(...) lb_log(LB_DEBUG, __VA_ARGS__)

#endif
