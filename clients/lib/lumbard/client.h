/* lumbard/client.h — a blocking client for lumbard's socket, for command-line
 * tools. One connection, one call at a time: a call sends [0, msgid, method,
 * params] and waits for the response with that msgid; notifications that
 * arrive meanwhile are queued in order and handed out by
 * lbc_client_next_event(). Built on lumbard/client_codec.h, which holds
 * everything that is not socket I/O.
 *
 * Errors are negative errnos:
 *   -EREMOTEIO   the daemon answered an error: lbc_client_error_code() and
 *                lbc_client_error_message() hold its {code, message}
 *   -ECONNRESET  the daemon closed the connection (or reset it); what it
 *                sent before closing is read first
 *   -E2BIG       the request would be over 1 MiB; nothing was sent
 *   -EMSGSIZE    the daemon sent a message over 1 MiB
 *   -EBADMSG     the daemon sent bytes that are not a MessagePack-RPC message
 *   -ETIMEDOUT, -EINTR   lbc_client_next_event() only
 *   -ENOTCONN    an earlier error left the connection unusable
 *   other errnos of send(), recv() and ppoll()
 * After any of them but -EREMOTEIO, -E2BIG, -ETIMEDOUT and -EINTR the
 * connection is closed; lbc_client_error_message() says why in words. */
#ifndef LUMBARD_CLIENT_H
#define LUMBARD_CLIENT_H

#include <lumbard/client_codec.h>
#include <msgpack.h>
#include <signal.h>
#include <stddef.h>

typedef struct lbc_client lbc_client;

/* Connect to the socket at path, or at lb_socket_path_default() when path is
 * NULL, and check who serves it before anything is sent. Returns 0, or the
 * negative errno of socket()/connect() (-ENOENT: no daemon has made the
 * socket; -ECONNREFUSED: a stale socket no daemon serves), -ENAMETOOLONG, or
 * -EPERM: the process listening there is of another uid (or SO_PEERCRED
 * could not say), so nothing was sent to it; on the /tmp fallback another
 * user can make the socket's directory and listen first. */
int lbc_client_connect(const char *path, lbc_client **ret);
/* The same; on failure err (when errlen > 0) says in words what went wrong:
 * for -EPERM, the socket's path, the uid and name of the user behind it and
 * what to do. */
int lbc_client_connect_err(const char *path, lbc_client **ret, char *err, size_t errlen);
/* Close the connection and free everything, queued events included. */
lbc_client *lbc_client_close(lbc_client *c); /* accepts NULL, returns NULL */

const char *lbc_client_path(const lbc_client *c);
int lbc_client_fd(const lbc_client *c); /* -1 once the connection is closed */

/* How long lbc_client_call() waits for an answer before it gives up with
 * -ETIMEDOUT (the connection stays usable); < 0, the default: for ever. */
void lbc_client_set_timeout(lbc_client *c, int timeout_ms);

/* Call method with params (the packed params array, exactly one msgpack
 * array; NULL for []). On 0, *ret_result is the result, valid until the next
 * call into c. */
int lbc_client_call(lbc_client *c, const char *method, const void *params, size_t params_len,
                    const msgpack_object **ret_result);

/* daemon.subscribe(patterns): events whose names match come as notifications.
 * *ret_result (may be NULL) is the connection's pattern list. */
int lbc_client_subscribe(lbc_client *c, const char *const *patterns, size_t n,
                         const msgpack_object **ret_result);

/* The next event, queued or read now. timeout_ms < 0 waits for ever.
 * sigmask, when not NULL, is the signal mask to wait under (as in ppoll):
 * block the signals that should end the wait, pass a mask that unblocks
 * them, and a signal can never slip in between a check of your flag and the
 * wait; it ends the wait with -EINTR. On 0, *ret_name is the event name and
 * *ret_params the notification's params array ([fields] for lumbard's
 * events), both valid until the next call into c. */
int lbc_client_next_event(lbc_client *c, int timeout_ms, const sigset_t *sigmask,
                          const char **ret_name, const msgpack_object **ret_params);
/* How many events wait in the queue. */
size_t lbc_client_n_queued(const lbc_client *c);

/* After -EREMOTEIO: the daemon's error code and message. After another
 * error: code NULL and a message saying what went wrong. Valid until the
 * next call into c. */
const char *lbc_client_error_code(const lbc_client *c);
const char *lbc_client_error_message(const lbc_client *c);

#endif
