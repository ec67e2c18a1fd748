/* The declared sizes of a MessagePack stream, checked before msgpack-c reads
 * them. See lumbard/rpc.h. */
#include <errno.h>
#include <lumbard/rpc.h>
#include <stdbool.h>
#include <stdint.h>

void lb_rpc_scan_init(lb_rpc_scan *s) {
  *s = (lb_rpc_scan){.items_left = 1};
}

/* The header of an item: its size in bytes (first byte included) and what
 * it brings: elements for arrays and maps, payload bytes for strings, bin
 * and ext. count_len/skip_len: how many big-endian bytes after the first
 * hold the count or the payload's length; fixed: a fixed payload. */
typedef struct kind {
  uint8_t len_bytes; /* 0, 1, 2 or 4 bytes of length or count after the first */
  uint8_t extra;     /* bytes after those (an ext's type) */
  uint8_t fixed;     /* fixed payload bytes */
  uint8_t elements;  /* 0: a scalar; 1: an array; 2: a map (two per entry) */
} kind;

static inline __attribute__((always_inline)) kind kind_of(uint8_t b, uint32_t *ret_inline_count) {
  *ret_inline_count = 0;
  if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
    return (kind){0, 0, 0, 0};
  if (b <= 0x8f) {
    *ret_inline_count = b & 0x0f;
    return (kind){0, 0, 0, 2};
  }
  if (b <= 0x9f) {
    *ret_inline_count = b & 0x0f;
    return (kind){0, 0, 0, 1};
  }
  if (b <= 0xbf)
    return (kind){0, 0, (uint8_t)(b & 0x1f), 0};
  switch (b) {
  case 0xc4:
  case 0xd9:
    return (kind){1, 0, 0, 0};
  case 0xc5:
  case 0xda:
    return (kind){2, 0, 0, 0};
  case 0xc6:
  case 0xdb:
    return (kind){4, 0, 0, 0};
  case 0xc7:
    return (kind){1, 1, 0, 0};
  case 0xc8:
    return (kind){2, 1, 0, 0};
  case 0xc9:
    return (kind){4, 1, 0, 0};
  case 0xca:
    return (kind){0, 0, 4, 0};
  case 0xcb:
    return (kind){0, 0, 8, 0};
  case 0xcc:
  case 0xd0:
    return (kind){0, 0, 1, 0};
  case 0xcd:
  case 0xd1:
    return (kind){0, 0, 2, 0};
  case 0xce:
  case 0xd2:
    return (kind){0, 0, 4, 0};
  case 0xcf:
  case 0xd3:
    return (kind){0, 0, 8, 0};
  case 0xd4:
    return (kind){0, 0, 2, 0};
  case 0xd5:
    return (kind){0, 0, 3, 0};
  case 0xd6:
    return (kind){0, 0, 5, 0};
  case 0xd7:
    return (kind){0, 0, 9, 0};
  case 0xd8:
    return (kind){0, 0, 17, 0};
  case 0xdc:
    return (kind){2, 0, 0, 1};
  case 0xdd:
    return (kind){4, 0, 0, 1};
  case 0xde:
    return (kind){2, 0, 0, 2};
  case 0xdf:
    return (kind){4, 0, 0, 2};
  default:
    return (kind){0, 0, 0, 0}; /* 0xc1: msgpack-c refuses it */
  }
}

/* An item whose header says n (its count, or its payload's length). */
static int account(lb_rpc_scan *s, kind k, uint64_t n) {
  s->items_left--;
  if (k.elements) {
    uint64_t items = n * k.elements;
    s->declared += items;
    if (s->declared > LB_RPC_MAX_MESSAGE)
      return -EMSGSIZE;
    s->items_left += items;
  } else {
    s->skip = k.len_bytes ? n : k.fixed;
  }
  return 0;
}

/* A whole header of more than one byte is in s->hdr. */
static int header_done(lb_rpc_scan *s) {
  uint32_t inline_count;
  kind k = kind_of(s->hdr[0], &inline_count);
  uint64_t n = inline_count;
  for (uint8_t i = 0; i < k.len_bytes; i++)
    n = n << 8 | s->hdr[1 + i];
  return account(s, k, n);
}

/* Nothing of a message read yet: at the stream's start, or after a message. */
static bool at_message_start(const lb_rpc_scan *s) {
  return s->skip == 0 && s->hdr_len == 0 &&
         (s->items_left == 0 || (s->items_left == 1 && s->declared == 0));
}

int lb_rpc_scan_message(lb_rpc_scan *s, const unsigned char *p, size_t n, size_t *ret_used) {
  if (s->items_left == 0 && s->skip == 0) /* the last message is through: the next one */
    lb_rpc_scan_init(s);
  for (size_t i = 0; i < n;) {
    int r = 0;
    if (s->skip > 0) {
      size_t take = s->skip < n - i ? (size_t)s->skip : n - i;
      s->skip -= take;
      i += take;
    } else if (s->hdr_len == 0) {
      uint32_t inline_count;
      kind k = kind_of(p[i], &inline_count);
      s->hdr_need = (uint8_t)(1 + k.len_bytes + k.extra);
      s->hdr[0] = p[i++];
      if (s->hdr_need > 1) {
        s->hdr_len = 1;
        continue;
      }
      r = account(s, k, inline_count); /* most headers are one byte: at once */
    } else {
      s->hdr[s->hdr_len++] = p[i++];
      if (s->hdr_len < s->hdr_need)
        continue;
      s->hdr_len = 0;
      r = header_done(s);
    }
    if (r < 0) {
      *ret_used = i;
      return r;
    }
    /* A message ends when its last item's payload is through. */
    if (s->items_left == 0 && s->skip == 0) {
      *ret_used = i;
      return 1;
    }
  }
  *ret_used = n;
  return 0;
}

int lb_rpc_scan_feed(lb_rpc_scan *s, const unsigned char *p, size_t n, size_t *ret_start) {
  for (size_t i = 0; i < n;) {
    size_t start = at_message_start(s) ? i : SIZE_MAX, used;
    int r = lb_rpc_scan_message(s, p + i, n - i, &used);
    if (r < 0) {
      *ret_start = start;
      return r;
    }
    i += used;
  }
  return 0;
}
