/* Log lines on stderr with sd-daemon priority prefixes ("<4>..."), so
 * journald files them at the right level. */
#ifndef LBU_LOG_H
#define LBU_LOG_H

#include <stdarg.h>

enum { LBU_ERR = 3, LBU_WARNING = 4, LBU_NOTICE = 5, LBU_INFO = 6, LBU_DEBUG = 7 };

void lbu_log_set_max_level(int level);
int lbu_log_max_level(void);
void lbu_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lbu_logv(int level, const char *who, const char *fmt, va_list ap);

#define lbu_err(...) lbu_log(LBU_ERR, __VA_ARGS__)
#define lbu_warn(...) lbu_log(LBU_WARNING, __VA_ARGS__)
#define lbu_notice(...) lbu_log(LBU_NOTICE, __VA_ARGS__)
#define lbu_info(...) lbu_log(LBU_INFO, __VA_ARGS__)
#define lbu_debug(...) lbu_log(LBU_DEBUG, __VA_ARGS__)

#endif
