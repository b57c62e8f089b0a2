/* repo: the git repository around the walked root (libgit2), and its
 * tracked-path set. */
#include "repo.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "banned.h"
#include "err.h"
#include "ignore.h"
#include "sbuf.h"
#include "xalloc.h"

#define EXCLUDE_MAX (4u << 20)

/* An open-addressing set of strings kept in one block. */
struct strset {
  uint32_t *slots; /* offset + 1 into text; 0 = empty */
  size_t mask;
  struct sbuf text; /* each string followed by NUL */
  size_t n;
};

struct repo {
  git_repository *git;
  char *workdir;
  int icase;
  struct ign_list *exclude, *global;
  pthread_mutex_t lock;
  atomic_int loaded;
  struct strset files, dirs;
};

static void strset_grow(struct strset *s);

static size_t strset_find(const struct strset *s, const char *p, size_t len,
                          uint64_t h) {
  size_t i = (size_t)h & s->mask;
  for (;;) {
    uint32_t v = s->slots[i];
    if (!v)
      return i;
    const char *t = s->text.buf + v - 1;
    if (!memcmp(t, p, len) && t[len] == '\0')
      return i;
    i = (i + 1) & s->mask;
  }
}

static void strset_add(struct strset *s, const char *p, size_t len) {
  if (!s->slots || (s->n + 1) * 2 > s->mask + 1)
    strset_grow(s);
  uint64_t h = XXH3_64bits(p, len);
  size_t i = strset_find(s, p, len, h);
  if (s->slots[i])
    return;
  if (s->text.len + len + 1 >= UINT32_MAX)
    return; /* over 4 GiB of paths: the rest count as untracked */
  s->slots[i] = (uint32_t)s->text.len + 1;
  sbuf_add(&s->text, p, len);
  sbuf_addch(&s->text, '\0');
  s->n++;
}

static void strset_grow(struct strset *s) {
  size_t cap = s->slots ? (s->mask + 1) * 2 : 1024;
  uint32_t *old = s->slots;
  size_t oldcap = old ? s->mask + 1 : 0;
  s->slots = xcalloc(cap, sizeof(*s->slots));
  s->mask = cap - 1;
  for (size_t i = 0; i < oldcap; i++) {
    if (!old[i])
      continue;
    const char *t = s->text.buf + old[i] - 1;
    size_t len = strlen(t);
    s->slots[strset_find(s, t, len, XXH3_64bits(t, len))] = old[i];
  }
  free(old);
}

static int strset_has(const struct strset *s, const char *p, size_t len) {
  if (!s->slots)
    return 0;
  return s->slots[strset_find(s, p, len, XXH3_64bits(p, len))] != 0;
}

static void strset_release(struct strset *s) {
  free(s->slots);
  sbuf_release(&s->text);
  memset(s, 0, sizeof(*s));
}

static struct ign_list *read_ignore_file(const char *path, int icase) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return NULL;
  struct stat st;
  if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > EXCLUDE_MAX) {
    close(fd);
    return NULL;
  }
  char *text = xmalloc((size_t)st.st_size + 1);
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t k = read(fd, text + got, (size_t)st.st_size - got);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      break;
    got += (size_t)k;
  }
  close(fd);
  struct ign_list *l = ign_list_parse(text, got, "", path, icase);
  free(text);
  return l;
}

int repo_open(struct repo **out, const char *abs_root) {
  *out = NULL;
  git_libgit2_init();
  git_repository *g = NULL;
  int e =
      git_repository_open_ext(&g, abs_root, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
  if (e == GIT_ENOTFOUND)
    return 0;
  if (e < 0) {
    const git_error *ge = git_error_last();
    return err_set(ERR_GIT, "unable to open the git repository around '%s': %s",
                   abs_root, ge && ge->message ? ge->message : "unknown error");
  }
  if (git_repository_is_bare(g) || !git_repository_workdir(g)) {
    git_repository_free(g);
    return 0;
  }
  struct repo *rp = xcalloc(1, sizeof(*rp));
  rp->git = g;
  char *real = realpath(git_repository_workdir(g), NULL);
  struct sbuf wd = SBUF_INIT;
  sbuf_addstr(&wd, real ? real : git_repository_workdir(g));
  free(real);
  if (!wd.len || wd.buf[wd.len - 1] != '/')
    sbuf_addch(&wd, '/');
  rp->workdir = sbuf_detach(&wd, NULL);
  pthread_mutex_init(&rp->lock, NULL);

  git_config *cfg = NULL;
  if (git_repository_config_snapshot(&cfg, g) == 0) {
    int b = 0;
    if (git_config_get_bool(&b, cfg, "core.ignorecase") == 0)
      rp->icase = b;
    git_buf gb = {0};
    if (git_config_get_path(&gb, cfg, "core.excludesfile") == 0) {
      rp->global = read_ignore_file(gb.ptr, rp->icase);
      git_buf_dispose(&gb);
    } else {
      /* git's default: $XDG_CONFIG_HOME/git/ignore, else ~/.config/git/ignore
       */
      struct sbuf p = SBUF_INIT;
      const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
      if (xdg && *xdg)
        sbuf_addf(&p, "%s/git/ignore", xdg);
      else if (home && *home)
        sbuf_addf(&p, "%s/.config/git/ignore", home);
      if (p.len)
        rp->global = read_ignore_file(p.buf, rp->icase);
      sbuf_release(&p);
    }
    git_config_free(cfg);
  }
  struct sbuf ex = SBUF_INIT;
  sbuf_addf(&ex, "%s/info/exclude", git_repository_commondir(g));
  rp->exclude = read_ignore_file(ex.buf, rp->icase);
  sbuf_release(&ex);
  *out = rp;
  return 0;
}

void repo_free(struct repo *rp) {
  if (!rp)
    return;
  git_repository_free(rp->git);
  free(rp->workdir);
  ign_list_free(rp->exclude);
  ign_list_free(rp->global);
  strset_release(&rp->files);
  strset_release(&rp->dirs);
  pthread_mutex_destroy(&rp->lock);
  free(rp);
  git_libgit2_shutdown();
}

const char *repo_workdir(const struct repo *rp) { return rp->workdir; }

int repo_ignore_case(const struct repo *rp) { return rp->icase; }

void repo_excludes(const struct repo *rp, const struct ign_list *out[2]) {
  out[0] = rp->exclude;
  out[1] = rp->global;
}

static void load_index(struct repo *rp) {
  if (atomic_load_explicit(&rp->loaded, memory_order_acquire))
    return;
  pthread_mutex_lock(&rp->lock);
  if (!atomic_load_explicit(&rp->loaded, memory_order_relaxed)) {
    git_index *ix = NULL;
    if (git_repository_index(&ix, rp->git) == 0) {
      size_t n = git_index_entrycount(ix);
      for (size_t i = 0; i < n; i++) {
        const git_index_entry *e = git_index_get_byindex(ix, i);
        if (!e || !e->path)
          continue;
        size_t len = strlen(e->path);
        strset_add(&rp->files, e->path, len);
        for (size_t k = 0; k < len; k++)
          if (e->path[k] == '/')
            strset_add(&rp->dirs, e->path, k + 1);
      }
      git_index_free(ix);
    }
    atomic_store_explicit(&rp->loaded, 1, memory_order_release);
  }
  pthread_mutex_unlock(&rp->lock);
}

int repo_is_tracked(struct repo *rp, const char *path, size_t len) {
  load_index(rp);
  return strset_has(&rp->files, path, len);
}

int repo_has_tracked_below(struct repo *rp, const char *dir, size_t len) {
  load_index(rp);
  return strset_has(&rp->dirs, dir, len);
}
