#include "lang.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

#define M "\x01" /* marks where a match of the line's pattern starts; not written */

enum { MK_SAFETY, MK_JUST_C, MK_JUST_H, MK_LINKNAME, MK_NOLINT, MK_CAST, MK_OK, MK_COUNT, MK_NONE = 255 };

static const char *const marker_text[MK_COUNT] = {
	"// SAFETY:", "// JUSTIFIED:", "# JUSTIFIED:", "// LINKNAME:", "// NOLINT:", "// CAST:", "# OK:",
};

struct gpat {
	const char *name;
	uint8_t marker; /* MK_NONE: forbid */
	const char *code[2];
	const char *str;
	const char *cmt;
	const char *dbl;
	const char *near[2];
};

struct glang {
	const char *ext;
	const char *comment;     /* line comment prefix */
	const char *alt_comment; /* block comment opener, or NULL */
	const char *filler[5];
	const struct gpat *pats;
	size_t npats;
};

static const struct gpat rust_pats[] = {
	{ "unsafe",
	  MK_SAFETY,
	  { "    let v = " M "unsafe { *ptr };", "    " M "unsafe{ core::hint::unreachable_unchecked() }" },
	  "    let s = \"" M "unsafe { in a string }\";",
	  "    // a note about " M "unsafe { blocks }",
	  "    let v = " M "unsafe { a } + " M "unsafe { b };",
	  { "    unsafe fn raw(p: *const u8) -> u8 {", "    let unsafe_fn = 1;" } },
	{ "unwrap",
	  MK_NONE,
	  { "    let v = opt" M ".unwrap();", "    let n = parse(s)" M ".unwrap() + 1;" },
	  "    let s = \"call " M ".unwrap() here\";",
	  "    // never " M ".unwrap() in library code",
	  "    let p = a" M ".unwrap() + b" M ".unwrap();",
	  { "    let v = opt.unwrap_or(0);", "    let v = opt.unwrap_or_default();" } },
	{ "expect",
	  MK_NONE,
	  { "    let v = res" M ".expect(\"present\");", "    let h = map.get(k)" M ".expect(\"key\");" },
	  "    let s = \"use " M ".expect( sparingly\";",
	  "    // " M ".expect( panics too",
	  "    let p = a" M ".expect(\"a\") + b" M ".expect(\"b\");",
	  { "    let ok = t.expected(1);", "    let e = r.expect_err(\"x\");" } },
	{ "transmute",
	  MK_SAFETY,
	  { "    let f: f32 = " M "mem::transmute(bits);", "    let p = std::" M "mem::transmute::<u32, i32>(x);" },
	  "    let s = \"" M "mem::transmute is risky\";",
	  "    // " M "mem::transmute needs care",
	  "    let (a, b) = (" M "mem::transmute(x), " M "mem::transmute(y));",
	  { "    mem::swap(&mut a, &mut b);", "    let t = transmute_bits(x);" } },
	{ "allow",
	  MK_JUST_C,
	  { M "#[allow(dead_code)]", "    " M "#[allow(clippy::too_many_arguments)]" },
	  "    let s = \"" M "#[allow(x)]\";",
	  "    // " M "#[allow( hides warnings",
	  M "#[allow(a)] " M "#[allow(b)]",
	  { "#[allowed]", "#![deny(warnings)]" } },
};

static const struct gpat go_pats[] = {
	{ "unsafe_pointer",
	  MK_SAFETY,
	  { "\tp := " M "unsafe.Pointer(&x)", "\tq := (*int)(" M "unsafe.Pointer(u))" },
	  "\ts := \"" M "unsafe.Pointer\"",
	  "\t// " M "unsafe.Pointer is needed here",
	  "\ta, b := " M "unsafe.Pointer(x), " M "unsafe.Pointer(y)",
	  { "\tp := unsafe.Sizeof(x)", "\tvar unsafePointer int" } },
	{ "linkname",
	  MK_LINKNAME,
	  { M "//go:linkname nanotime runtime.nanotime", M "//go:linkname fastrand runtime.fastrand" },
	  "\ts := \"" M "//go:linkname x\"",
	  NULL,
	  NULL,
	  { "// go:linkname is not a directive", "//go:noinline" } },
	{ "nolint",
	  MK_NOLINT,
	  { "\tx := compute() " M "//nolint", "\tdefer f.Close() " M "//nolint:errcheck" },
	  "\ts := \"" M "//nolint\"",
	  NULL,
	  "\tx := a() " M "//nolint " M "//nolint",
	  { "\t// nolint is spelled with no space", "\tnolintCount := 0" } },
};

static const struct gpat c_pats[] = {
	{ "gets",
	  MK_NONE,
	  { "\t" M "gets(buf);", "\tif (" M "gets (line) == NULL) return -1;" },
	  "\tconst char *s = \"" M "gets(x)\";",
	  "\t/* never call " M "gets( */",
	  "\t" M "gets(a); " M "gets(b);",
	  { "\tfgets(buf, sizeof buf, stdin);", "\tint gets_count = 0;" } },
	{ "pragma_ignored",
	  MK_JUST_C,
	  { M "#pragma GCC diagnostic ignored \"-Wformat\"", M "#pragma  GCC diagnostic ignored \"-Wcast-qual\"" },
	  "\tconst char *s = \"" M "#pragma GCC diagnostic ignored\";",
	  "\t/* " M "#pragma GCC diagnostic ignored is a smell */",
	  NULL,
	  { "#pragma GCC diagnostic push", "#pragma GCC diagnostic warning \"-Wall\"" } },
	{ "const_cast",
	  MK_CAST,
	  { "\tchar *p = " M "const_cast<char *>(s);", "\treturn " M "const_cast<T *>(this);" },
	  "\tconst char *s = \"" M "const_cast<\";",
	  "\t// " M "const_cast< drops const",
	  "\tf(" M "const_cast<int *>(a), " M "const_cast<int *>(b));",
	  { "\tauto p = static_cast<char *>(s);", "\tint const_cast_count = 0;" } },
};

static const struct gpat js_pats[] = {
	{ "ts_ignore",
	  MK_NONE,
	  { "  // " M "@ts-ignore", "  const v = f(); // " M "@ts-ignore" },
	  "  const s = \"" M "@ts-ignore\";",
	  "  // explain why " M "@ts-ignore is bad",
	  "  // " M "@ts-ignore " M "@ts-ignore",
	  { "  // @ts-expect-error wrong types in lib", "  const tsIgnore = 1;" } },
	{ "ts_nocheck",
	  MK_NONE,
	  { "// " M "@ts-nocheck", "  /* " M "@ts-nocheck */" },
	  "  const s = '" M "@ts-nocheck';",
	  NULL,
	  NULL,
	  { "// @ts-check", "  const noCheck = 0;" } },
	{ "as_unknown",
	  MK_CAST,
	  { "  const v = x " M "as unknown as Foo;", "  return (y " M "as unknown) as Bar;" },
	  "  const s = \"" M "as unknown\";",
	  "  // cast " M "as unknown only at boundaries",
	  "  const p = [a " M "as unknown, b " M "as unknown];",
	  { "  const v = x as Foo;", "  const hasUnknown = true;" } },
	{ "eslint_disable",
	  MK_JUST_C,
	  { "  // " M "eslint-disable-next-line no-console", "/* " M "eslint-disable */" },
	  "  const s = \"" M "eslint-disable\";",
	  NULL,
	  NULL,
	  { "  // eslint-enable", "  const eslintDisabled = false;" } },
};

static const struct gpat py_pats[] = {
	{ "type_ignore",
	  MK_JUST_H,
	  { "    x = f()  " M "# type: ignore", "    y = g(x)  " M "#type:ignore[attr-defined]" },
	  "    s = \"" M "# type: ignore\"",
	  "    " M "# type: ignore in a comment line",
	  NULL,
	  { "    x = f()  # type: int", "    ignore_types = True" } },
	{ "noqa",
	  MK_JUST_H,
	  { "    import os  " M "# noqa", "    x = 1  " M "#noqa: E501" },
	  "    s = '" M "# noqa'",
	  NULL,
	  NULL,
	  { "    noqa_count = 0", "    # no qa needed" } },
	{ "eval",
	  MK_NONE,
	  { "    v = " M "eval(expr)", "    return " M "eval(src, env)" },
	  "    s = \"" M "eval(x)\"",
	  "    # never " M "eval( input",
	  "    v = " M "eval(a) + " M "eval(b)",
	  { "    v = ast.literal_eval(expr)", "    evaluate(x)" } },
	{ "exec",
	  MK_NONE,
	  { "    " M "exec(code)", "    " M "exec(compile(src, name, 'exec'))" },
	  NULL,
	  NULL,
	  NULL,
	  { "    executor(code)", "    self.exec_count += 1" } },
};

static const struct gpat rb_pats[] = {
	{ "binding_pry",
	  MK_NONE,
	  { "  " M "binding.pry", "  " M "binding.pry if debug?" },
	  "  s = \"" M "binding.pry\"",
	  "  # remove " M "binding.pry before commit",
	  NULL,
	  { "  bindings.pry_count = 0", "  binding.local_variables" } },
	{ "ruby_eval",
	  MK_JUST_H,
	  { "  " M "eval(src)", "  value = " M "eval \"1 + 1\"" },
	  "  s = \"" M "eval\"",
	  "  # " M "eval is slow",
	  "  " M "eval(a); " M "eval(b)",
	  { "  obj.instance_eval { }", "  evaluate(x)" } },
	{ "rubocop_disable",
	  MK_JUST_H,
	  { "  x = 1 # " M "rubocop:disable Style/Foo", "  # " M "rubocop:disable all" },
	  "  s = \"" M "rubocop:disable\"",
	  NULL,
	  NULL,
	  { "  # rubocop:enable all", "  rubocop_disabled = false" } },
};

static const struct gpat sh_pats[] = {
	{ "shellcheck_disable",
	  MK_NONE,
	  { M "# shellcheck disable=SC2086", "  " M "# shellcheck disable=SC2046" },
	  "echo \"" M "# shellcheck disable=SC1\"",
	  NULL,
	  NULL,
	  { "# shellcheck source=lib.sh", "#shellcheck disable=SC1" } },
	{ "set_plus_e",
	  MK_OK,
	  { M "set +e", "  " M "set +eu" },
	  "echo \"" M "set +e\"",
	  "# " M "set +e disables errexit",
	  NULL,
	  { "set -e", "set +x" } },
	{ "shell_eval",
	  MK_OK,
	  { M "eval \"$cmd\"", "  " M "eval \"$(ssh-agent -s)\"" },
	  "echo \"" M "eval it\"",
	  "# " M "eval is dangerous",
	  NULL,
	  { "evaluate \"$x\"", "eval_count=0" } },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct glang langs[LANG_COUNT] = {
	[LANG_RUST] = { "rs",
			"//",
			"/*",
			{ "    let v%u = w%u.saturating_add(%u);", "    total += compute_%u(&items[%u..%u]);",
			  "    // keep step %u cheap (%u of %u)", "", "    if n%u > %u { return None; } // %u" },
			rust_pats,
			N(rust_pats) },
	[LANG_GO] = { "go",
		      "//",
		      "/*",
		      { "\tv%u := w%u + %u", "\tif n%u > %u { return errStep%u }", "\t// step %u of %u (%u)", "",
			"\tresult%u = append(result%u, %u)" },
		      go_pats,
		      N(go_pats) },
	[LANG_C] = { "c",
		     "//",
		     "/*",
		     { "\tint v%u = w%u + %u;", "\tif (n%u > %u) return -%u;", "\t/* step %u of %u (%u) */", "",
		       "\ttotal%u += table[%u] * %u;" },
		     c_pats,
		     N(c_pats) },
	[LANG_TS] = { "ts",
		      "//",
		      "/*",
		      { "  const v%u = w%u + %u;", "  if (n%u > %u) { return null%u; }", "  // step %u of %u (%u)", "",
			"  total%u += items[%u] * %u;" },
		      js_pats,
		      N(js_pats) },
	[LANG_JS] = { "js",
		      "//",
		      "/*",
		      { "  const v%u = w%u + %u;", "  if (n%u > %u) { return null%u; }", "  // step %u of %u (%u)", "",
			"  total%u += items[%u] * %u;" },
		      js_pats,
		      N(js_pats) },
	[LANG_PY] = { "py",
		      "#",
		      NULL,
		      { "    v%u = w%u + %u", "    if n%u > %u: return None  # %u", "    # step %u of %u (%u)", "",
			"    total%u += items[%u] * %u" },
		      py_pats,
		      N(py_pats) },
	[LANG_RB] = { "rb",
		      "#",
		      NULL,
		      { "  v%u = w%u + %u", "  return nil if n%u > %u # %u", "  # step %u of %u (%u)", "",
			"  total%u += items[%u] * %u" },
		      rb_pats,
		      N(rb_pats) },
	[LANG_SH] = { "sh",
		      "#",
		      NULL,
		      { "v%u=$((w%u + %u))", "[ \"$n%u\" -gt %u ] && exit %u", "# step %u of %u (%u)", "",
			"total%u=$((total%u * %u))" },
		      sh_pats,
		      N(sh_pats) },
};

const char *lang_ext(int lang)
{
	return langs[lang].ext;
}

void lang_file_begin(struct lang_file *f, int lang, int test, struct prng *r, struct sbuf *out,
		     struct fx_plants *plants, uint32_t entry)
{
	memset(f, 0, sizeof(*f));
	f->lang = lang;
	f->test = test;
	f->r = r;
	f->out = out;
	f->plants = plants;
	f->entry = entry;
}

void lang_file_end(struct lang_file *f)
{
	free(f->lines);
	f->lines = NULL;
}

/* Classify a line the way docs/fixtures.md states the rule: blank, comment-only, or code. */
static uint8_t classify(const struct glang *L, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	if (i == n)
		return 0;
	size_t cl = strlen(L->comment);
	if (n - i >= cl && !memcmp(s + i, L->comment, cl))
		return 1;
	if (L->alt_comment) {
		if (n - i >= 2 && !memcmp(s + i, "/*", 2))
			return 1;
		if (s[i] == '*')
			return 1;
	}
	return 2;
}

static int marker_in(const char *s, size_t n, int mk)
{
	const char *m = marker_text[mk];
	size_t ml = strlen(m);
	for (size_t i = 0; i + ml <= n; i++)
		if (!memcmp(s + i, m, ml))
			return 1;
	return 0;
}

/* Write one line from a template; each M starts a match of pattern p (may be NULL). */
static void emit(struct lang_file *f, const struct gpat *p, const char *tmpl, const char *suffix)
{
	const struct glang *L = &langs[f->lang];
	size_t start = f->out->len;
	uint32_t lineno = (uint32_t)f->nlines + 1;
	uint32_t cols[8];
	unsigned ncols = 0;
	for (const char *t = tmpl; *t; t++) {
		if (*t == '\x01') {
			if (ncols < 8)
				cols[ncols++] = (uint32_t)(f->out->len - start) + 1;
			continue;
		}
		sbuf_addch(f->out, *t);
	}
	if (suffix)
		sbuf_addstr(f->out, suffix);
	const char *line = f->out->buf + start;
	size_t len = f->out->len - start;
	ALLOC_GROW(f->lines, f->nlines + 1, f->alloc);
	struct lang_line *ll = &f->lines[f->nlines++];
	ll->cls = classify(L, line, len);
	ll->markers = 0;
	for (int mk = 0; mk < MK_COUNT; mk++)
		if (marker_in(line, len, mk))
			ll->markers |= (uint8_t)(1u << mk);
	ll->in_test_mod = (uint8_t)f->in_test_mod;
	sbuf_addch(f->out, '\n');
	if (!p)
		return;
	int outcome;
	if (f->test || f->in_test_mod) {
		outcome = FX_TEST;
	} else if (p->marker == MK_NONE) {
		outcome = FX_VIOLATION;
	} else {
		outcome = FX_VIOLATION;
		uint8_t bit = (uint8_t)(1u << p->marker);
		if (ll->markers & bit) {
			outcome = FX_ALLOWED;
		} else {
			/* the first code line above ends the search and is not searched itself */
			for (size_t k = f->nlines - 1; k-- > 0;) {
				if (f->lines[k].cls == 2)
					break;
				if (f->lines[k].markers & bit) {
					outcome = FX_ALLOWED;
					break;
				}
			}
		}
	}
	for (unsigned i = 0; i < ncols; i++)
		fx_plants_add(f->plants, f->entry, lineno, cols[i], p->name, outcome);
}

void lang_raw(struct lang_file *f, const char *text)
{
	emit(f, NULL, text, NULL);
}

void lang_filler(struct lang_file *f)
{
	const struct glang *L = &langs[f->lang];
	char buf[160];
	const char *t = L->filler[prng_below(f->r, 5)];
	unsigned a = prng_below(f->r, 1000), b = prng_below(f->r, 1000), c = prng_below(f->r, 1000);
	snprintf(buf, sizeof(buf), t, a, b, c);
	emit(f, NULL, buf, NULL);
}

static const struct gpat *pick(struct lang_file *f)
{
	const struct glang *L = &langs[f->lang];
	return &L->pats[prng_below(f->r, (uint32_t)L->npats)];
}

void lang_plain(struct lang_file *f)
{
	const struct gpat *p = pick(f);
	emit(f, p, p->code[prng_below(f->r, 2)], NULL);
}

static void marker_line(struct lang_file *f, const struct gpat *p)
{
	const char *indent = f->lang == LANG_SH ? "" : (f->lang == LANG_GO || f->lang == LANG_C ? "\t" : "    ");
	char buf[96];
	snprintf(buf, sizeof(buf), "%s%s justified for fixture step %u", indent, marker_text[p->marker],
		 prng_below(f->r, 1000));
	emit(f, NULL, buf, NULL);
}

static void comment_line(struct lang_file *f)
{
	const struct glang *L = &langs[f->lang];
	char buf[96];
	snprintf(buf, sizeof(buf), "%s%s more context %u", f->lang == LANG_SH ? "" : "    ", L->comment,
		 prng_below(f->r, 1000));
	emit(f, NULL, buf, NULL);
}

static void code_filler(struct lang_file *f)
{
	const struct glang *L = &langs[f->lang];
	char buf[160];
	snprintf(buf, sizeof(buf), L->filler[0], prng_below(f->r, 1000), prng_below(f->r, 1000),
		 prng_below(f->r, 1000));
	emit(f, NULL, buf, NULL);
}

void lang_scenario(struct lang_file *f)
{
	const struct gpat *p = pick(f);
	const char *code = p->code[prng_below(f->r, 2)];
	unsigned kind = prng_below(f->r, p->marker == MK_NONE ? 6 : 10);
	char suffix[96];
	switch (kind) {
	case 0:
	case 1:
		emit(f, p, code, NULL);
		break;
	case 2:
		emit(f, p, p->str ? p->str : code, NULL);
		break;
	case 3:
		emit(f, p, p->cmt ? p->cmt : code, NULL);
		break;
	case 4:
		emit(f, p, p->dbl ? p->dbl : code, NULL);
		break;
	case 5:
		emit(f, NULL, p->near[prng_below(f->r, 2)], NULL);
		if (f->lang == LANG_RUST && prng_below(f->r, 2)) {
			/* a match that only a search across the newline would find */
			emit(f, NULL, "    let v = unsafe", NULL);
			emit(f, NULL, "    { 1 };", NULL);
		}
		break;
	case 6: /* marker on the same line */
		snprintf(suffix, sizeof(suffix), "  %s same line", marker_text[p->marker]);
		emit(f, p, code, suffix);
		break;
	case 7: /* marker directly above */
		marker_line(f, p);
		emit(f, p, code, NULL);
		break;
	case 8: /* just inside: blank and comment lines between the marker and the match */
		marker_line(f, p);
		emit(f, NULL, "", NULL);
		comment_line(f);
		emit(f, p, code, NULL);
		break;
	case 9: /* just outside: a code line between */
		marker_line(f, p);
		code_filler(f);
		emit(f, p, code, NULL);
		break;
	}
}

void lang_rust_test_module(struct lang_file *f)
{
	emit(f, NULL, "#[cfg(test)]", NULL);
	emit(f, NULL, "mod tests {", NULL);
	f->in_test_mod = 1;
	emit(f, NULL, "    #[test]", NULL);
	emit(f, NULL, "    fn it_works() {", NULL);
	emit(f, &rust_pats[1], "        let v = thing()" M ".unwrap();", NULL);
	emit(f, &rust_pats[2], "        let w = other()" M ".expect(\"in test\");", NULL);
	emit(f, NULL, "    }", NULL);
	emit(f, NULL, "}", NULL);
	f->in_test_mod = 0;
}

void lang_strip_final_newline(struct lang_file *f)
{
	if (f->out->len && f->out->buf[f->out->len - 1] == '\n')
		sbuf_setlen(f->out, f->out->len - 1);
}
