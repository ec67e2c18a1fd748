/* floor_server: the floor that lumbard's socket is measured against. A
 * blocking AF_UNIX server that does nothing but decode each MessagePack-RPC
 * request with msgpack-c and answer [1, msgid, nil, "pong"]: one read, every
 * whole request in it decoded, every answer packed, one write. No event loop,
 * no dispatch, no allocation per request (the unpacker's zone is cleared and
 * reused), so whatever lumbard costs on top of it is lumbard's own.
 *
 *   floor_server SOCKET-PATH
 *
 * Serves one connection after another until SIGTERM; prints "ready" once it
 * listens. */
#include <errno.h>
#include <msgpack.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define READ_SIZE (64 * 1024)

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* A request is [0, msgid, method, params]; anything else ends the connection. */
static bool is_request(const msgpack_object *o, uint32_t *ret_msgid) {
  if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 4)
    return false;
  const msgpack_object *a = o->via.array.ptr;
  if (a[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER || a[0].via.u64 != 0 ||
      a[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER || a[1].via.u64 > UINT32_MAX ||
      a[2].type != MSGPACK_OBJECT_STR || a[3].type != MSGPACK_OBJECT_ARRAY)
    return false;
  *ret_msgid = (uint32_t)a[1].via.u64;
  return true;
}

static void serve(int fd) {
  msgpack_unpacker u;
  if (!msgpack_unpacker_init(&u, READ_SIZE))
    return;
  msgpack_sbuffer out;
  msgpack_sbuffer_init(&out);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &out, msgpack_sbuffer_write);
  for (;;) {
    if (!msgpack_unpacker_reserve_buffer(&u, READ_SIZE))
      break;
    ssize_t n = read(fd, msgpack_unpacker_buffer(&u), msgpack_unpacker_buffer_capacity(&u));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    msgpack_unpacker_buffer_consumed(&u, (size_t)n);
    int r;
    bool ok = true;
    while ((r = msgpack_unpacker_execute(&u)) > 0) {
      msgpack_object o = msgpack_unpacker_data(&u);
      uint32_t msgid;
      ok = is_request(&o, &msgid);
      msgpack_unpacker_reset(&u);
      msgpack_unpacker_flush_zone(&u);
      msgpack_unpacker_reset_zone(&u);
      if (!ok)
        break;
      msgpack_pack_array(&pk, 4);
      msgpack_pack_uint32(&pk, 1);
      msgpack_pack_uint32(&pk, msgid);
      msgpack_pack_nil(&pk);
      msgpack_pack_str_with_body(&pk, "pong", 4);
    }
    if (out.size && write_all(fd, out.data, out.size) < 0)
      break;
    msgpack_sbuffer_clear(&out);
    if (r < 0 || !ok)
      break;
  }
  msgpack_sbuffer_destroy(&out);
  msgpack_unpacker_destroy(&u);
}

static volatile sig_atomic_t stop;
static void on_term(int sig) {
  (void)sig;
  stop = 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: floor_server SOCKET-PATH\n");
    return 2;
  }
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(argv[1]) >= sizeof(sa.sun_path)) {
    fprintf(stderr, "floor_server: socket path too long\n");
    return 2;
  }
  strcpy(sa.sun_path, argv[1]);
  signal(SIGPIPE, SIG_IGN);
  struct sigaction act = {.sa_handler = on_term}; /* no SA_RESTART: accept returns */
  sigaction(SIGTERM, &act, NULL);
  sigaction(SIGINT, &act, NULL);
  int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  unlink(argv[1]);
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 16) < 0) {
    fprintf(stderr, "floor_server: cannot listen on %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  printf("ready\n");
  fflush(stdout);
  while (!stop) {
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
      continue;
    serve(fd);
    close(fd);
  }
  close(lfd);
  unlink(argv[1]);
  return 0;
}
