/* A rest as lumbarctl knows it (a copy of rest.* answers and events), and
 * the lines that say what it is doing: for the rest verbs (rest.c) and the
 * countdown that follows one (countdown.c). */
#include <inttypes.h>
#include <lumbard/rpc.h>
#include <string.h>

#include "lumbarctl.h"

void lbctl_rest_view_read(lbctl_rest_view *v, const msgpack_object *m) {
  v->id = (uint64_t)lbc_msg_map_int0(m, "id");
  lbctl_copy_text(v->label, sizeof(v->label), lbc_msg_map_str(m, "label"));
  lbctl_copy_text(v->state, sizeof(v->state), lbc_msg_map_str(m, "state"));
  lbctl_copy_text(v->message, sizeof(v->message), lbc_msg_map_str(m, "message"));
  lbctl_copy_text(v->routine, sizeof(v->routine), lbc_msg_map_str(m, "routine"));
  v->seconds = lbc_msg_map_int0(m, "seconds");
  v->remaining_ms = lbc_msg_map_int0(m, "remaining_ms");
  v->ends_at_ms = lbc_msg_map_int0(m, "ends_at_ms");
  v->window_end_ms = lbc_msg_map_int0(m, "window_end_ms");
  v->set = lbc_msg_map_int0(m, "set");
  v->sets = lbc_msg_map_int0(m, "sets");
  v->step = lbc_msg_map_int0(m, "step");
  v->steps = lbc_msg_map_int0(m, "steps");
  v->warn = lbc_msg_map_int0(m, "warn");
}

bool lbctl_rest_view_is(const lbctl_rest_view *v, const char *state) {
  return strcmp(v->state, state) == 0;
}

bool lbctl_rest_view_is_routine(const lbctl_rest_view *v) {
  return v->sets > 1 && !v->steps;
}

bool lbctl_rest_view_is_over(const lbctl_rest_view *v) {
  return lbctl_rest_view_is(v, "ready") || lbctl_rest_view_is(v, "overdue");
}

const char *lbctl_rest_view_noun(const lbctl_rest_view *v) {
  return v->steps ? "sequence" : lbctl_rest_view_is_routine(v) ? "routine" : "rest";
}

int64_t lbctl_rest_view_left_ms(const lbctl_rest_view *v) {
  int64_t left =
      lbctl_rest_view_is(v, "running") ? v->ends_at_ms - lbctl_clock_now_ms() : v->remaining_ms;
  return left > 0 ? left : 0;
}

void lbctl_rest_view_duration(int64_t seconds, char *buf, size_t len) {
  lbctl_clock_duration(seconds > 0 ? (uint64_t)seconds : 0, buf, len);
}

const char *lbctl_rest_view_label_note(const lbctl_rest_view *v, char *buf, size_t len) {
  if (!v->label[0] || strcmp(v->label, "rest") == 0)
    return "";
  snprintf(buf, len, " (%s)", v->label);
  return buf;
}

const char *lbctl_rest_view_progress_note(const lbctl_rest_view *v, char *buf, size_t len) {
  if (v->steps)
    snprintf(buf, len, ", step %" PRId64 " of %" PRId64, v->step, v->steps);
  else if (v->sets > 1)
    snprintf(buf, len, ", set %" PRId64 " of %" PRId64 " done", v->set, v->sets);
  else
    return "";
  return buf;
}

void lbctl_rest_view_print_step(const lbctl_rest_view *v) {
  char dur[64], prefix[128];
  lbctl_rest_view_duration(v->seconds, dur, sizeof(dur));
  snprintf(prefix, sizeof(prefix), "Step %" PRId64 " of %" PRId64 " (%s): ", v->step, v->steps,
           dur);
  lbctl_put_hanging(prefix, v->message, lbctl_term_columns());
}

void lbctl_rest_view_print_running(const lbctl_rest_view *v, const char *lead, bool fresh) {
  char dur[64], lab[300], prog[64], end[32], line[1024];
  if (fresh) {
    lbctl_rest_view_duration(v->seconds, dur, sizeof(dur));
  } else {
    lbctl_clock_countdown(lbctl_rest_view_left_ms(v), dur, sizeof(dur));
    strcat(dur, " left");
  }
  if (lbctl_rest_view_is(v, "running")) {
    lbctl_clock_short(v->ends_at_ms / 1000, true, end, sizeof(end));
  } else {
    snprintf(end, sizeof(end), "%s", v->state);
  }
  snprintf(line, sizeof(line), "%s: %s%s%s, %s%s", lead, dur,
           lbctl_rest_view_label_note(v, lab, sizeof(lab)),
           lbctl_rest_view_progress_note(v, prog, sizeof(prog)),
           lbctl_rest_view_is(v, "running") ? "ends at " : "", end);
  lbctl_put_line(line);
  if (v->steps && fresh)
    lbctl_rest_view_print_step(v);
}

void lbctl_rest_view_print_now(const lbctl_rest_view *v, const char *lead, bool fresh) {
  char lab[300], at[32], what[128], line[1024];
  if (lbctl_rest_view_is(v, "running") || lbctl_rest_view_is(v, "paused")) {
    lbctl_rest_view_print_running(v, lead, fresh);
    return;
  }
  if (lbctl_rest_view_is(v, "in_set")) {
    snprintf(what, sizeof(what), "set %" PRId64 " of %" PRId64 " under way", v->set, v->sets);
  } else if (lbctl_rest_view_is_routine(v) && lbctl_rest_view_is(v, "ready")) {
    snprintf(what, sizeof(what), "rest over, set %" PRId64 " of %" PRId64 " next", v->set + 1,
             v->sets);
  } else if (lbctl_rest_view_is_routine(v) && lbctl_rest_view_is(v, "overdue")) {
    snprintf(what, sizeof(what), "set %" PRId64 " of %" PRId64 " is overdue", v->set + 1, v->sets);
  } else if (lbctl_rest_view_is(v, "ready") && v->window_end_ms > 0) {
    lbctl_clock_short(v->window_end_ms / 1000, true, at, sizeof(at));
    snprintf(what, sizeof(what), "rest over, the next set by %s", at);
  } else if (lbctl_rest_view_is(v, "overdue")) {
    snprintf(what, sizeof(what), "rest over, the next set is overdue");
  } else {
    snprintf(what, sizeof(what), "%s", v->state);
  }
  snprintf(line, sizeof(line), "%s%s: %s", lead, lbctl_rest_view_label_note(v, lab, sizeof(lab)),
           what);
  lbctl_put_line(line);
}

const msgpack_object *lbctl_rest_view_event(const lbctl_rest_view *v, const char *name,
                                            const msgpack_object *params) {
  const msgpack_object *ev = NULL;
  if (params && params->type == MSGPACK_OBJECT_ARRAY && params->via.array.size == 1)
    ev = &params->via.array.ptr[0];
  int64_t id;
  if (strncmp(name, "rest.", 5) != 0 || !lbc_msg_map_int(ev, "id", &id) || (uint64_t)id != v->id)
    return NULL;
  return ev;
}

int lbctl_rest_view_get(lbctl *ctl, uint64_t id, const msgpack_object **ret_item) {
  *ret_item = NULL;
  /* The page of one rest that starts at id. */
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 1);
  msgpack_pack_map(pk, id > 0 ? 2 : 1);
  lb_rpc_pack_str(pk, "limit");
  msgpack_pack_uint64(pk, 1);
  if (id > 0) {
    lb_rpc_pack_str(pk, "after");
    msgpack_pack_uint64(pk, id - 1);
  }
  const msgpack_object *page;
  int r = lbctl_request_send(ctl, &q, "rest.list", &page);
  if (r == LBCTL_OK && page->type == MSGPACK_OBJECT_ARRAY && page->via.array.size > 0 &&
      (uint64_t)lbc_msg_map_int0(&page->via.array.ptr[0], "id") == id)
    *ret_item = &page->via.array.ptr[0];
  return r;
}
