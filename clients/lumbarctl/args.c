/* A verb's arguments: its flags, wherever they stand before a "--", and
 * its positional arguments, counted. */
#include <stdbool.h>
#include <string.h>

#include "lumbarctl.h"

static bool is_negative_number(const char *a) {
  return a[0] == '-' && ((a[1] >= '0' && a[1] <= '9') || a[1] == '.');
}

static const lbctl_flag *find_flag(const lbctl_flag *flags, const char *a, size_t len) {
  for (const lbctl_flag *f = flags; f && f->name; f++)
    if (strlen(f->name) == len && strncmp(f->name, a, len) == 0)
      return f;
  return NULL;
}

int lbctl_args(const lbctl_verb *self, int *argc, char **argv, const lbctl_flag *flags, int min,
               int max) {
  int n = 1;
  bool flags_end = false;
  for (const lbctl_flag *f = flags; f && f->name; f++)
    if (f->value)
      lbctl_typed_known(f->wire, f->name,
                        f->ret_values ? (const void *)f->ret_values : (const void *)f->ret_value);
  for (int i = 1; i < *argc; i++) {
    const char *a = argv[i];
    if (!flags_end && strcmp(a, "--") == 0) {
      flags_end = true;
      continue;
    }
    if (flags_end || a[0] != '-' || !a[1] || is_negative_number(a)) {
      argv[n++] = argv[i];
      continue;
    }
    const char *eq = strchr(a, '=');
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    const lbctl_flag *f = find_flag(flags, a, len);
    if (!f)
      return lbctl_usage_error(self, "unknown flag '%.*s'", (int)len, a);
    if (f->value) /* what the value is called, for what is said about it */
      lbctl_typed_flag(f->wire, f->name,
                       f->ret_values ? (const void *)f->ret_values : (const void *)f->ret_value);
    if (!f->value) {
      if (eq)
        return lbctl_usage_error(self, "%s takes no value", f->name);
      *f->ret_on = true;
      continue;
    }
    const char *value;
    if (eq)
      value = eq + 1;
    else if (i + 1 < *argc)
      value = argv[++i];
    else
      return lbctl_usage_error(self, "%s needs %s", f->name, f->value);
    if (!f->ret_values) {
      *f->ret_value = value;
    } else if (*f->ret_n < f->max_values) {
      f->ret_values[(*f->ret_n)++] = value;
    } else {
      return lbctl_usage_error(self, "%s is given more than %d times", f->name, f->max_values);
    }
  }
  *argc = n;
  if (n - 1 < min)
    return lbctl_usage_error(self, "missing argument");
  if (max >= 0 && n - 1 > max)
    return lbctl_usage_error(self, "unexpected argument '%s'", argv[max + 1]);
  return LBCTL_OK;
}

int lbctl_args_positionals(const lbctl_verb *self, int *argc, char **argv, int min, int max) {
  return lbctl_args(self, argc, argv, NULL, min, max);
}
