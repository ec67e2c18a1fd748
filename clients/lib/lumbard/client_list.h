/* lumbard/client_list.h — a whole list read from a method that answers in
 * pages. rest.list and reminders.list take {limit, after}: at most `limit`
 * items, those whose id is greater than `after`, in id order. One answer is
 * at most 1 MiB, so a client with thousands of rests or reminders must ask
 * a page at a time; this module says what to ask next and keeps what came,
 * with no I/O, so the blocking lbc_client and an event-loop client page the
 * same way:
 *
 *   lbc_client_list *l;
 *   lbc_client_list_new(&l);
 *   do {
 *     lbc_client_list_params(l, &sb);      // [{limit: 1000, after: LAST_ID}]
 *     ... call the method with sb, get its result ...
 *     r = lbc_client_list_add(l, result);  // 1: ask the next page
 *   } while (r == 1);
 *   // r == 0: lbc_client_list_items(l) is every item, in id order
 *
 * A page shorter than the limit is the last one. An answer that is not a
 * page (not an array of maps whose ids grow past the last one) ends the
 * paging with an error rather than asking again: a daemon that ignored
 * `after` would otherwise be asked for ever. */
#ifndef LUMBARD_CLIENT_LIST_H
#define LUMBARD_CLIENT_LIST_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Items asked per page: under the 1 MiB of one answer whatever they hold
 * (1,000 reminders with the longest name, schedule and message the daemon
 * takes pack to some 940 KB; rests to a quarter of that). */
#define LBC_CLIENT_LIST_PAGE 1000

typedef struct lbc_client_list lbc_client_list;

/* Returns 0 or -ENOMEM. */
int lbc_client_list_new(lbc_client_list **ret);
lbc_client_list *lbc_client_list_free(lbc_client_list *l); /* accepts NULL, returns NULL */

/* Pack the params of the next page's request into out (an initialised
 * sbuffer): [{limit}] for the first, then [{limit, after}]. Returns 0 or
 * -ENOMEM. */
int lbc_client_list_params(const lbc_client_list *l, msgpack_sbuffer *out);

/* Take a page: the result of the request. The items are copied, so page
 * may go as soon as this returns. Returns 1 when there may be more (ask the
 * next page), 0 when the list is whole, -EBADMSG when the answer is not a
 * page (lbc_client_list_error() says what is wrong with it), -ENOMEM. */
int lbc_client_list_add(lbc_client_list *l, const msgpack_object *page);

/* The items so far: how many, their ids (ascending), and the items as one
 * msgpack array, valid until the next add or the free. items is NULL only
 * when out of memory. */
size_t lbc_client_list_count(const lbc_client_list *l);
const uint64_t *lbc_client_list_ids(const lbc_client_list *l);
const msgpack_object *lbc_client_list_items(lbc_client_list *l);
/* Whether an id is among the items (a binary search). */
bool lbc_client_list_has(const lbc_client_list *l, uint64_t id);

/* After -EBADMSG: what was wrong with the page, in words. */
const char *lbc_client_list_error(const lbc_client_list *l);

#endif
