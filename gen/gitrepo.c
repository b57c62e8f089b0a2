/* gitrepo: make a fixture a git repository whose commit ids are the same on every machine. */
#include "fx.h"

#include <git2.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "banned.h"

static int git_fail(const char *what)
{
	const git_error *e = git_error_last();
	return err_set(ERR_GIT, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

/*
 * The user's and the system's git configuration must not leak into a fixture (core.autocrlf or an
 * excludesFile would change the commit), so libgit2 is pointed at an empty search path.
 */
static void isolate_config(void)
{
	static const int levels[] = { GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL,
				      GIT_CONFIG_LEVEL_PROGRAMDATA };
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, levels[i], "/nonexistent/genfixtures");
}

int fx_git_init_commit(const char *dir, const struct fx_plan *plan, int second, char commit_hex[41])
{
	git_repository *repo = NULL;
	git_index *index = NULL;
	git_config *cfg = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	git_oid tree_id, commit_id;
	int rc = 0;
	isolate_config();
	if (!second) {
		if (git_repository_init(&repo, dir, 0) < 0) {
			rc = git_fail("git init");
			goto cleanup;
		}
		if (git_repository_config(&cfg, repo) < 0 || git_config_set_bool(cfg, "core.autocrlf", 0) < 0 ||
		    git_config_set_bool(cfg, "core.filemode", 1) < 0 ||
		    git_config_set_bool(cfg, "core.ignorecase", 0) < 0 ||
		    git_config_set_bool(cfg, "core.symlinks", 1) < 0) {
			rc = git_fail("git config");
			goto cleanup;
		}
	} else if (git_repository_open(&repo, dir) < 0) {
		rc = git_fail("git open");
		goto cleanup;
	}
	if (git_repository_index(&index, repo) < 0 ||
	    git_index_add_all(index, NULL, GIT_INDEX_ADD_DEFAULT, NULL, NULL) < 0 ||
	    git_index_update_all(index, NULL, NULL, NULL) < 0 ||
	    /* the tree first: the index is then written with its cache tree, as git commit leaves it */
	    git_index_write_tree(&tree_id, index) < 0 || git_index_write(index) < 0 ||
	    git_tree_lookup(&tree, repo, &tree_id) < 0) {
		rc = git_fail("git add");
		goto cleanup;
	}
	int64_t when = plan->mtime + (second ? 3600 : 0);
	if (git_signature_new(&sig, "genfixtures", "genfixtures@fixtures.invalid", (git_time_t)when, 0) < 0) {
		rc = git_fail("git signature");
		goto cleanup;
	}
	char msg[256];
	snprintf(msg, sizeof(msg),
		 second ? "%s: second commit (modify, add, delete, rename)\n"
			: "%s: fixture generated with seed %llu\n",
		 plan->name, (unsigned long long)plan->seed);
	if (second) {
		git_oid head;
		if (git_reference_name_to_id(&head, repo, "HEAD") < 0 || git_commit_lookup(&parent, repo, &head) < 0) {
			rc = git_fail("git HEAD");
			goto cleanup;
		}
	}
	const git_commit *parents[1] = { parent };
	if (git_commit_create(&commit_id, repo, "HEAD", sig, sig, NULL, msg, tree, second ? 1 : 0, parents) < 0) {
		rc = git_fail("git commit");
		goto cleanup;
	}
	git_oid_tostr(commit_hex, 41, &commit_id);
cleanup:
	git_commit_free(parent);
	git_tree_free(tree);
	git_signature_free(sig);
	git_config_free(cfg);
	git_index_free(index);
	git_repository_free(repo);
	return rc;
}
