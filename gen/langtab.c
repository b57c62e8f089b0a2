/*
 * langtab: the planted text of every language (langtab.h explains the template syntax). Each
 * template states by construction what it plants: the zone of every regex hit, the class of the
 * line and the markers its comments start with. Nothing here is derived by scanning text.
 */
#include "langtab.h"

#include "banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* clang-format off */

/* ---- Rust ------------------------------------------------------------------------------------ */

static const struct gpat rust_pats[] = {
	{ "unsafe",
	  { "c|    let v = " H(c, unsafe) "unsafe { *ptr };", "c|    " H(c, unsafe) "unsafe{ core::hint::unreachable_unchecked() }" },
	  "c|    let s = \"" H(s, unsafe) "unsafe { in a string }\";",
	  "m|    // a note about " H(k, unsafe) "unsafe { blocks }",
	  "c|    let v = " H(c, unsafe) "unsafe { a } + " H(c, unsafe) "unsafe { b };",
	  { "c|    unsafe fn raw(p: *const u8) -> u8 {", "c|    let unsafe_fn = 1;" },
	  { "k|    let v =", "c|        " H(c, unsafe) "unsafe { *ptr };" },
	  NULL },
	{ "unsafe_impl",
	  { "c|" H(c, unsafe_impl) "unsafe impl Send for Handle {}", "c|" H(c, unsafe_impl) "unsafe  impl<T: Send> Sync for Wrapper<T> {}" },
	  "c|    let s = \"" H(s, unsafe_impl) "unsafe impl Send\";",
	  "m|// " H(k, unsafe_impl) "unsafe impl Sync needs the same care",
	  NULL,
	  { "c|unsafe trait Marker {}", "c|    let unsafe_impls = 0;" },
	  { "a|#[doc(hidden)]", "c|" H(c, unsafe_impl) "unsafe impl Send for Hidden {}" },
	  NULL },
	{ "transmute",
	  { "c|    let f: f32 = " H(c, transmute) "mem::transmute(bits);", "c|    let p = std::" H(c, transmute) "mem::transmute::<u32, i32>(x);" },
	  "c|    let s = \"" H(s, transmute) "mem::transmute is risky\";",
	  "m|    // " H(k, transmute) "mem::transmute needs care",
	  "c|    let (a, b) = (" H(c, transmute) "mem::transmute(x), " H(c, transmute) "mem::transmute(y));",
	  { "c|    mem::swap(&mut a, &mut b);", "c|    let t = transmute_bits(x);" },
	  { "k|    let f: f32 =", "c|        " H(c, transmute) "mem::transmute(bits);" },
	  NULL },
	{ "unwrap",
	  { "c|    let v = opt" H(c, unwrap) ".unwrap();", "c|    let n = parse(s)" H(c, unwrap) ".unwrap() + 1;" },
	  "c|    let s = \"call " H(s, unwrap) ".unwrap() here\";",
	  "m|    // never " H(k, unwrap) ".unwrap() in library code",
	  "c|    let p = a" H(c, unwrap) ".unwrap() + b" H(c, unwrap) ".unwrap();",
	  { "c|    let v = opt.unwrap_or(0);", "c|    let v = opt.unwrap_or_default();" },
	  { NULL, NULL },
	  NULL },
	{ "expect",
	  { "c|    let v = res" H(c, expect) ".expect(\"present\");", "c|    let h = map.get(k)" H(c, expect) ".expect(\"key\");" },
	  "c|    let s = \"use " H(s, expect) ".expect( sparingly\";",
	  "m|    // " H(k, expect) ".expect( panics too",
	  "c|    let p = a" H(c, expect) ".expect(\"a\") + b" H(c, expect) ".expect(\"b\");",
	  { "c|    let ok = t.expected(1);", "c|    let e = r.expect_err(\"x\");" },
	  { NULL, NULL },
	  NULL },
	{ "allow",
	  { "a|" H(c, allow) "#[allow(dead_code)]", "a|    " H(c, allow) "#[expect(clippy::too_many_arguments)]" },
	  "c|    let s = \"" H(s, allow) "#[allow(x)]\";",
	  "m|    // " H(k, allow) "#[allow( hides warnings",
	  "a|" H(c, allow) "#[allow(a)] " H(c, allow) "#[allow(b)]",
	  { "a|#[allowed]", "a|#![deny(warnings)]" },
	  { "a|#[inline]", "a|" H(c, allow) "#[allow(clippy::needless_range_loop)]" },
	  "a|" H(r, allow) "#[allow(dead_code, reason = \"kept for the FFI table\")]" },
	{ "cfg_attr_allow",
	  { "a|" H(c, cfg_attr_allow) "#[cfg_attr(feature = \"ffi\", allow(non_camel_case_types))]",
	    "a|" H(c, cfg_attr_allow) "#![cfg_attr(docsrs, expect(unused))]" },
	  "c|    let s = \"" H(s, cfg_attr_allow) "#[cfg_attr(x, allow(y))]\";",
	  "m|// " H(k, cfg_attr_allow) "#[cfg_attr(test, allow(dead_code))] would hide it",
	  NULL,
	  { "a|#[cfg_attr(feature = \"serde\", derive(Serialize))]", "a|#[cfg(feature = \"allow\")]" },
	  { "a|#[inline]", "a|" H(c, cfg_attr_allow) "#[cfg_attr(windows, allow(non_snake_case))]" },
	  "a|" H(r, cfg_attr_allow) "#[cfg_attr(unix, expect(unused_mut, reason = \"mutated on windows\"))]" },
};

static const char *const rust_strings[] = {
	"c|    let s = \"say \\\"" H(s, unsafe) "unsafe { }\\\" twice\"; let t = opt" H(c, unwrap) ".unwrap();",
	"c|    let r = r#\"a \"quoted\" " H(s, unsafe) "unsafe { x } # sign " H(s, unwrap) ".unwrap()\"#; let v = opt" H(c, unwrap) ".unwrap();",
	"c|    let r2 = r##\"ends with \"# too early " H(s, transmute) "mem::transmute\"##; let w = " H(c, unsafe) "unsafe { *p };",
	"c|    let b = b\"" H(s, unsafe) "unsafe { bytes }\"; let c = br#\"" H(s, expect) ".expect(\"raw\")\"#; let d = c\"" H(s, unwrap) ".unwrap()\";",
	"x|    let text = r##\"a raw string over lines, with \"quotes\" and # signs",
	"x|        " H(s, unsafe) "unsafe { not code } and \"# is not its end",
	"x|    \"##; let v = opt" H(c, unwrap) ".unwrap();",
	NULL,
};

static const char *const rust_chars[] = {
	"c|    let q = '\"'; let s = \"" H(s, unsafe) "unsafe { in a string }\"; let v = " H(c, unsafe) "unsafe { *p };",
	"c|    let open = '{'; let esc = '\\''; let nl = '\\n'; let e = '\\u{1F600}'; let b = b'x'; let v = opt" H(c, unwrap) ".unwrap();",
	"c|    fn first<'a>(s: &'a str) -> &'a str { s.get(..1)" H(c, expect) ".expect(\"one\") }",
	"c|    let s: &'static str = \"x\"; let w = o" H(c, unwrap) ".unwrap();",
	"c|    'outer: loop { let x = it.next()" H(c, unwrap) ".unwrap(); break 'outer; }",
	NULL,
};

static const char *const rust_nested[] = {
	"c|    /* outer /* inner " H(k, unsafe) "unsafe { } */ still comment " H(k, unwrap) ".unwrap() */ let v = opt" H(c, unwrap) ".unwrap();",
	"m|    /* a comment over lines",
	"m|       /* nested " H(k, unwrap) ".unwrap() */",
	"m|       " H(k, unsafe) "unsafe { still inside the outer comment }",
	"m|    */",
	"c|    let w = res" H(c, expect) ".expect(\"after the comment\");",
	NULL,
};

static const char *const rust_docs[] = {
	"m|/// Reads the value.",
	"m|///",
	"m|/// ```",
	"m|/// let v = opt" H(d, unwrap) ".unwrap();",
	"m|/// let w = " H(d, unsafe) "unsafe { *p };",
	"m|/// ```",
	"c|pub fn read_doc() -> u8 { 0 }",
	"m|//! Module docs: " H(d, transmute) "mem::transmute appears in an example.",
	"m|/**",
	"m| * let x = res" H(d, expect) ".expect(\"doc\");",
	"m| * " H(d, allow) "#[allow(dead_code)]",
	"m| */",
	"c|pub struct Documented;",
	"m|/*!",
	"m| * " H(d, unsafe_impl) "unsafe impl Send for Doc {}",
	"m| */",
	"m|/*** not a doc comment: " H(k, unwrap) ".unwrap() ***/",
	"m|/**/",
	"c|    let v = /**/ " H(c, unsafe) "unsafe { *p };",
	NULL,
};

static const char *const rust_markers[] = {
	"c|    let n0 = 0;",
	"m|    //SAFETY: no space after the slashes" J(SAFETY),
	"c|    let a = " H(c, unsafe) "unsafe { *p };",
	"m|    /* SAFETY: a block comment */" J(SAFETY),
	"c|    let b = " H(c, unsafe) "unsafe { *p };",
	"m|    /*",
	"m|     * SAFETY: the second line of a block comment" J(SAFETY),
	"m|     */",
	"c|    let c = " H(c, unsafe) "unsafe { *p };",
	"m|    // Safety: in another case" J(SAFETY),
	"c|    let d = " H(c, unsafe) "unsafe { *p };",
	"m|    //! SAFETY: an inner doc comment" J(SAFETY),
	"c|    let e = " H(c, transmute) "mem::transmute(x);",
	"m|    /// SAFETY: an outer doc comment" J(SAFETY),
	"c|    " H(c, unsafe_impl) "unsafe impl Send for Raw {}",
	"m|    /** SAFETY: a block doc comment */" J(SAFETY),
	"c|    let f = " H(c, unsafe) "unsafe { *p };",
	"m|    // Missing // SAFETY: comment",
	"c|    let g = " H(c, unsafe) "unsafe { *p };",
	"m|    // see SAFETY: not at the start",
	"c|    let h = " H(c, unsafe) "unsafe { *p };",
	"c|    let i = /* SAFETY: before the match */ " J(SAFETY) H(c, unsafe) "unsafe { *p };",
	"c|    let j = " H(c, unsafe) "unsafe { *p }; // SAFETY: after the match" J(SAFETY),
	"c|    let k = " H(c, unsafe) "unsafe { *p }; // not a marker",
	NULL,
};

static const char *const rust_wrapped[] = {
	"c|    let n1 = 1;",
	"m|    // SAFETY: the index is checked above" J(SAFETY),
	"k|    let x =",
	"c|        " H(c, unsafe) "unsafe { *table.get_unchecked(i) };",
	"m|    // SAFETY: one statement over three lines" J(SAFETY),
	"k|    let y = compute(",
	"k|        a,",
	"c|        " H(c, unsafe) "unsafe { b.read() });",
	"m|    // SAFETY: attribute lines are skipped" J(SAFETY),
	"a|    #[rustfmt::skip]",
	"c|    let z = " H(c, unsafe) "unsafe { *p };",
	"m|    // SAFETY: a statement in between ends the search" J(SAFETY),
	"c|    let n2 = 2;",
	"k|    let w =",
	"c|        " H(c, unsafe) "unsafe { *p };",
	"m|    // SAFETY: blank and comment lines are skipped" J(SAFETY),
	"b|",
	"m|    // more context",
	"c|    let u = " H(c, unsafe) "unsafe { *p };",
	NULL,
};

static const char *const rust_attrs[] = {
	"c|static BEFORE: u8 = 0;",
	"a|" H(r, allow) "#[allow(dead_code, reason = \"kept for the FFI table\")]",
	"c|static TABLE: [u8; 4] = [0; 4];",
	"a|" H(r, allow) "#[expect(clippy::cast_possible_truncation, reason = \"values fit in u8\")]",
	"c|fn narrow(x: u32) -> u8 { x as u8 }",
	"a|" H(r, allow) "#![allow(unused_imports, reason = \"re-exported\")]",
	"a|" H(c, allow) "#![allow(unused)]",
	"c|fn unused_one() {}",
	"a|" H(r, cfg_attr_allow) "#[cfg_attr(feature = \"ffi\", allow(non_snake_case, reason = \"C names\"))]",
	"c|fn CamelFn() {}",
	"m|// JUSTIFIED: the generated bindings use C names" J(JUSTIFIED),
	"a|" H(c, cfg_attr_allow) "#[cfg_attr(feature = \"ffi\", allow(non_upper_case_globals))]",
	"c|static lower: u8 = 0;",
	"a|" H(c, allow) "#[allow(clippy::all)]",
	"c|fn plain() {}",
	"m|// JUSTIFIED: a marker above other attributes" J(JUSTIFIED),
	"a|#[inline]",
	"a|" H(c, allow) "#[allow(clippy::needless_range_loop)]",
	"c|fn loops() {}",
	"a|" H(c, allow) "#[allow(dead_code)] // JUSTIFIED: on the same line" J(JUSTIFIED),
	"c|fn same_line() {}",
	NULL,
};

/* Test regions: braces in strings, chars and comments must not move the region's end. */
static const char *const rust_test_close[] = {
	"ta|#[cfg(test)]",
	"tc|mod tests_close {",
	"tc|    const CLOSE: &str = \"}\";",
	"tc|    const C: char = '}';",
	"tm|    // } a closing brace in a comment",
	"tc|    /* } /* nested } */ } */ const R: &str = r#\"}\"#;",
	"tc|    fn first<'a>(s: &'a str) -> &'a str { s }",
	"ta|    #[test]",
	"tc|    fn reads() {",
	"tc|        let v = opt()" H(c, unwrap) ".unwrap();",
	"tc|        let w = " H(c, unsafe) "unsafe { *p };",
	"tc|    }",
	"tc|}",
	"c|pub fn after_close() -> u8 { opt()" H(c, unwrap) ".unwrap() }",
	NULL,
};

static const char *const rust_test_open[] = {
	"ta|#[cfg( test )]",
	"tc|mod tests_open {",
	"tc|    const OPEN: &str = \"{\";",
	"tc|    const O: char = '{';",
	"tm|    // { an opening brace in a comment",
	"tc|    const RAW: &str = r#\"{\"#; /* { */",
	"tc|    fn helper() { let v = x()" H(c, expect) ".expect(\"{\"); }",
	"tc|}",
	"c|fn after_open() { let v = x()" H(c, expect) ".expect(\"after\"); }",
	NULL,
};

static const char *const rust_test_split[] = {
	"tk|#[cfg(",
	"tk|    test",
	"tk|)]",
	"tc|mod split_tests {",
	"tc|    fn f() { x()" H(c, unwrap) ".unwrap(); }",
	"tc|}",
	"c|fn after_split() { x()" H(c, unwrap) ".unwrap(); }",
	NULL,
};

static const char *const rust_test_cfgs[] = {
	"ta|#[cfg(all(test, feature = \"slow\"))]",
	"tc|fn slow_check() { y()" H(c, unwrap) ".unwrap(); }",
	"ta|#[cfg(any(test, feature = \"mock\"))]",
	"tc|mod mock { pub fn get() -> u8 { z()" H(c, expect) ".expect(\"mock\") } }",
	"a|#[cfg(not(test))]",
	"c|mod real_only { pub fn get() -> u8 { z()" H(c, expect) ".expect(\"real\") } }",
	"a|#[cfg(all(not(test), unix))]",
	"c|fn unix_only() { w()" H(c, unwrap) ".unwrap(); }",
	NULL,
};

static const char *const rust_test_fns[] = {
	"ta|#[test]",
	"ta|#[should_panic]",
	"tm|/// A documented test.",
	"tc|fn panics() { none()" H(c, unwrap) ".unwrap(); }",
	"ta|#[tokio::test]",
	"tc|async fn fetches() {",
	"tc|    let v = get().await" H(c, expect) ".expect(\"fetch\");",
	"tc|}",
	"ta|#[rstest]",
	"tc|fn cases(#[values(1, 2)] n: u8) { check(n)" H(c, unwrap) ".unwrap(); }",
	"ta|#[test_case(1, 2)]",
	"tc|fn pairs(a: u8, b: u8) { add(a, b)" H(c, unwrap) ".unwrap(); }",
	"ta|#[bench]",
	"tc|fn speed(b: &mut Bencher) { b.iter(|| run()" H(c, unwrap) ".unwrap()); }",
	"ta|#[async_std::test]",
	"tc|async fn other_runtime() { go().await" H(c, unwrap) ".unwrap(); }",
	"c|fn not_a_test() { run()" H(c, unwrap) ".unwrap(); }",
	NULL,
};

static const char *const rust_test_fake[] = {
	"m|// #[cfg(test)]",
	"c|mod not_tests { fn f() { x()" H(c, unwrap) ".unwrap(); } }",
	"c|const ATTR: &str = \"#[cfg(test)]\";",
	"c|fn also_source() { x()" H(c, unwrap) ".unwrap(); }",
	"ta|#[cfg(test)]",
	"tc|use std::mem;",
	"c|fn after_use() { x()" H(c, unwrap) ".unwrap(); }",
	"tc|#[cfg(test)] mod inline { fn f() { x()" H(c, unwrap) ".unwrap(); } }",
	"c|fn after_inline() { y()" H(c, expect) ".expect(\"source\"); }",
	NULL,
};

static const struct gblock rust_cases[] = {
	{ "strings", rust_strings },         { "chars-lifetimes", rust_chars },
	{ "nested-comments", rust_nested },  { "doc-comments", rust_docs },
	{ "markers", rust_markers },         { "wrapped", rust_wrapped },
	{ "attributes", rust_attrs },        { "test-close-braces", rust_test_close },
	{ "test-open-braces", rust_test_open }, { "test-split-cfg", rust_test_split },
	{ "test-cfg-forms", rust_test_cfgs }, { "test-fns", rust_test_fns },
	{ "test-fake-cfg", rust_test_fake },
};

static const struct gblock rust_modules[] = {
	{ "test-close-braces", rust_test_close }, { "test-open-braces", rust_test_open },
	{ "test-split-cfg", rust_test_split },    { "test-fns", rust_test_fns },
};

/* ---- Go -------------------------------------------------------------------------------------- */

static const struct gpat go_pats[] = {
	{ "unsafe_pointer",
	  { "c|\tp := " H(c, unsafe_pointer) "unsafe.Pointer(&x)", "c|\tq := (*int)(" H(c, unsafe_pointer) "unsafe.Pointer(u))" },
	  "c|\ts := \"" H(s, unsafe_pointer) "unsafe.Pointer\"",
	  "m|\t// " H(k, unsafe_pointer) "unsafe.Pointer is needed here",
	  "c|\ta, b := " H(c, unsafe_pointer) "unsafe.Pointer(x), " H(c, unsafe_pointer) "unsafe.Pointer(y)",
	  { "c|\tp := unsafe.Sizeof(x)", "c|\tvar unsafePointer int" },
	  { NULL, NULL },
	  NULL },
	{ "linkname",
	  { "me|" H(k, linkname) "//go:linkname nanotime runtime.nanotime", "me|" H(k, linkname) "//go:linkname fastrand runtime.fastrand" },
	  NULL,
	  NULL,
	  NULL,
	  { "m|// go:linkname is not a directive", "m|//go:noinline" },
	  { NULL, NULL },
	  NULL },
	{ "noescape",
	  { "me|" H(k, noescape) "//go:noescape", "me|" H(k, noescape) "//go:noescape" },
	  NULL,
	  NULL,
	  NULL,
	  { "m|//go:nosplit", "c|\tnoescape := true" },
	  { NULL, NULL },
	  NULL },
	{ "nolint",
	  { "ce|\tx := compute() " H(k, nolint) "//nolint", "ce|\tdefer f.Close() " H(k, nolint) "//nolint // the error is irrelevant" },
	  "c|\ts := \"" H(s, nolint) "//nolint\"",
	  "me|\t" H(k, nolint) "// nolint with a space is a directive too",
	  "ce|\tx := a() " H(k, nolint) "//nolint " H(k, nolint) "//nolint",
	  { "m|\t// no lint needed", "c|\tnolintCount := 0" },
	  { NULL, NULL },
	  NULL },
};

static const char *const go_strings[] = {
	"c|\ts := `" H(s, unsafe_pointer) "unsafe.Pointer \"not an end\" " H(s, nolint) "//nolint`",
	"c|\tp := " H(c, unsafe_pointer) "unsafe.Pointer(&s)",
	"c|\tdoc := `a raw string over lines",
	"x|" H(s, linkname) "//go:linkname fake runtime.fake",
	"x|" H(s, noescape) "//go:noescape",
	"x|\t" H(s, unsafe_pointer) "unsafe.Pointer(nil) with a backslash \\ and \"quotes\"",
	"x|`",
	"c|\t_ = doc",
	"c|\tq := " H(c, unsafe_pointer) "unsafe.Pointer(&doc)",
	NULL,
};

static const char *const go_runes[] = {
	"c|\tquote := '\"'; p := " H(c, unsafe_pointer) "unsafe.Pointer(&quote)",
	"c|\ttick := '`'; n := " H(c, unsafe_pointer) "unsafe.Pointer(&tick)",
	"c|\t/* " H(k, unsafe_pointer) "unsafe.Pointer in a block comment */ x := 1",
	"me|\t// a note: " H(k, nolint) "//nolint in a comment is still a directive",
	"c|\tesc := '\\''; m := " H(c, unsafe_pointer) "unsafe.Pointer(&esc)",
	NULL,
};

static const char *const go_directives[] = {
	"c|var clockBase int64",
	"m|// LINKNAME: the runtime's clock, read without a call" J(LINKNAME),
	"me|" H(k, linkname) "//go:linkname nanotime runtime.nanotime",
	"c|func nanotime() int64",
	"me|" H(k, linkname) "//go:linkname fastrand runtime.fastrand",
	"c|func fastrand() uint32",
	"m|// NOESCAPE: the assembly keeps no pointer" J(NOESCAPE),
	"me|" H(k, noescape) "//go:noescape",
	"c|func memclr(b []byte)",
	"me|" H(k, noescape) "//go:noescape",
	"c|func memmove(to, from " H(c, unsafe_pointer) "unsafe.Pointer, n uintptr)",
	"ce|\tx := compute() " H(k, nolint) "//nolint // NOLINT: inside the directive's own comment",
	"m|\t// NOLINT: the error is logged by the caller" J(NOLINT),
	"ce|\ty := compute() " H(k, nolint) "//nolint",
	"me|\t" H(k, nolint) "// nolint with a space is a directive too",
	"m|\t// SAFETY: the slice outlives the pointer" J(SAFETY),
	"c|\tr := " H(c, unsafe_pointer) "unsafe.Pointer(&buf[0])",
	NULL,
};

static const struct gblock go_cases[] = {
	{ "raw-strings", go_strings },
	{ "runes-comments", go_runes },
	{ "directives-markers", go_directives },
};

/* ---- C/C++ ----------------------------------------------------------------------------------- */

static const struct gpat c_pats[] = {
	{ "gets",
	  { "c|\t" H(c, gets) "gets(buf);", "c|\tif (" H(c, gets) "gets (line) == NULL) return -1;" },
	  "c|\tconst char *s = \"" H(s, gets) "gets(x)\";",
	  "m|\t/* never call " H(k, gets) "gets( */",
	  "c|\t" H(c, gets) "gets(a); " H(c, gets) "gets(b);",
	  { "c|\tfgets(buf, sizeof buf, stdin);", "c|\tint gets_count = 0;" },
	  { NULL, NULL },
	  NULL },
	{ "pragma_ignored",
	  { "k|" H(c, pragma_ignored) "#pragma GCC diagnostic ignored \"-Wformat\"",
	    "k|" H(c, pragma_ignored) "#pragma  clang diagnostic ignored \"-Wcast-qual\"" },
	  "c|\tconst char *s = \"" H(s, pragma_ignored) "#pragma GCC diagnostic ignored\";",
	  "m|\t/* " H(k, pragma_ignored) "#pragma GCC diagnostic ignored is a smell */",
	  NULL,
	  { "k|#pragma GCC diagnostic push", "k|#pragma GCC diagnostic warning \"-Wall\"" },
	  { "k|#pragma GCC diagnostic push", "k|" H(c, pragma_ignored) "#pragma GCC diagnostic ignored \"-Wshadow\"" },
	  NULL },
	{ "const_cast",
	  { "c|\tchar *p = " H(c, const_cast) "const_cast<char *>(s);", "c|\treturn " H(c, const_cast) "const_cast<T *>(this);" },
	  "c|\tconst char *s = \"" H(s, const_cast) "const_cast<\";",
	  "m|\t// " H(k, const_cast) "const_cast< drops const",
	  "c|\tf(" H(c, const_cast) "const_cast<int *>(a), " H(c, const_cast) "const_cast<int *>(b));",
	  { "c|\tauto p = static_cast<char *>(s);", "c|\tint const_cast_count = 0;" },
	  { "k|\tchar *p =", "c|\t\t" H(c, const_cast) "const_cast<char *>(s);" },
	  NULL },
	{ "nolint_c",
	  { "ce|\tint x = legacy(); // " H(k, nolint_c) "NOLINT(bugprone-narrowing)", "me|\t// " H(k, nolint_c) "NOLINTNEXTLINE(cert-err33-c)" },
	  "c|\tconst char *s = \"" H(s, nolint_c) "NOLINT\";",
	  "m|\t/* " H(k, nolint_c) "NOLINT */",
	  NULL,
	  { "c|\tint nolint = 0;", "m|\t/* lint: fine */" },
	  { NULL, NULL },
	  NULL },
};

static const char *const c_lexing[] = {
	"c|\tint before = 0;",
	"m|\t// a line comment continued by a backslash \\",
	"m|\t" H(k, gets) "gets(buf); is still inside that comment",
	"c|\t/* a block comment /* does not nest */ " H(c, gets) "gets(buf);",
	"c|\tconst char *r = R\"x(" H(s, gets) "gets(buf); \")\" " H(s, const_cast) "const_cast< )x\"; " H(c, gets) "gets(line);",
	"c|\tchar q = '\"'; " H(c, gets) "gets(buf);",
	"c|\tconst char *t = \"a \\\" quote " H(s, gets) "gets(x)\"; " H(c, gets) "gets(z);",
	"k|#define GETS_NAME \"" H(s, gets) "gets(\"",
	"k|#define " H(c, nolint_c) "NOLINT_LEVEL 2",
	"c|\tint lint = 0; /* " H(k, nolint_c) "NOLINT */",
	NULL,
};

static const char *const c_markers[] = {
	"c|\tint before_markers = 0;",
	"m|/* JUSTIFIED: the printf wrappers take a runtime format */" J(JUSTIFIED),
	"k|" H(c, pragma_ignored) "#pragma GCC diagnostic ignored \"-Wformat-nonliteral\"",
	"c|\tint after_pragma = 0;",
	"m|// Justified: clang spells it differently" J(JUSTIFIED),
	"k|" H(c, pragma_ignored) "#pragma clang diagnostic ignored \"-Wcast-qual\"",
	"c|\tint after_clang = 0;",
	"m|\t// CAST: the API takes a mutable pointer it never writes" J(CAST),
	"k|\tchar *p =",
	"c|\t\t" H(c, const_cast) "const_cast<char *>(s);",
	"m|\t//CAST: no space after the slashes" J(CAST),
	"c|\tchar *p2 = " H(c, const_cast) "const_cast<char *>(s);",
	"m|\t// Missing // CAST: comment",
	"c|\tchar *p3 = " H(c, const_cast) "const_cast<char *>(s);",
	"ce|\tint x = legacy(); // " H(k, nolint_c) "NOLINT(bugprone-narrowing) // JUSTIFIED: inside the directive's comment",
	"me|\t// JUSTIFIED: vendored macro " H(k, nolint_c) "NOLINT" J(JUSTIFIED),
	"c|\tint y = 0;",
	NULL,
};

static const struct gblock c_cases[] = {
	{ "lexing", c_lexing },
	{ "markers-wrapped", c_markers },
};

/* ---- JavaScript / TypeScript ----------------------------------------------------------------- */

static const struct gpat js_pats[] = {
	{ "ts_ignore",
	  { "me|  // " H(k, ts_ignore) "@ts-ignore", "ce|  const v = f(); // " H(k, ts_ignore) "@ts-ignore" },
	  "c|  const s = \"" H(s, ts_ignore) "@ts-ignore\";",
	  "me|  // explain why " H(k, ts_ignore) "@ts-ignore is bad",
	  "me|  // " H(k, ts_ignore) "@ts-ignore " H(k, ts_ignore) "@ts-ignore",
	  { "me|  // @ts-check the types", "c|  const tsIgnore = 1;" },
	  { NULL, NULL },
	  NULL },
	{ "ts_nocheck",
	  { "me|// " H(k, ts_nocheck) "@ts-nocheck", "m|  /* " H(k, ts_nocheck) "@ts-nocheck */" },
	  "c|  const s = '" H(s, ts_nocheck) "@ts-nocheck';",
	  NULL,
	  NULL,
	  { "me|// @ts-check", "c|  const noCheck = 0;" },
	  { NULL, NULL },
	  NULL },
	{ "ts_expect_error",
	  { "me|  // " H(k, ts_expect_error) "@ts-expect-error wrong types in lib", "m|  /* " H(k, ts_expect_error) "@ts-expect-error */" },
	  "c|  const s = `" H(s, ts_expect_error) "@ts-expect-error`;",
	  NULL,
	  NULL,
	  { "me|  // @ts-expect wrong", "c|  const expectError = true;" },
	  { NULL, NULL },
	  NULL },
	{ "biome_ignore",
	  { "me|  // " H(k, biome_ignore) "biome-ignore lint/suspicious/noExplicitAny: legacy API",
	    "ce|  let x: any = 1; // " H(k, biome_ignore) "biome-ignore lint: fixture" },
	  "c|  const s = \"" H(s, biome_ignore) "biome-ignore\";",
	  NULL,
	  NULL,
	  { "me|  // biome-check", "c|  const biomeIgnore = 0;" },
	  { NULL, NULL },
	  NULL },
	{ "as_unknown",
	  { "c|  const v = x " H(c, as_unknown) "as unknown as Foo;", "c|  return (y " H(c, as_unknown) "as  unknown) as Bar;" },
	  "c|  const s = \"" H(s, as_unknown) "as unknown\";",
	  "m|  // cast " H(k, as_unknown) "as unknown only at boundaries",
	  "c|  const p = [a " H(c, as_unknown) "as unknown, b " H(c, as_unknown) "as unknown];",
	  { "c|  const v = x as Foo;", "c|  type T = Alias<unknown>; const hasUnknown = true;" },
	  { "k|  const v =", "c|    x " H(c, as_unknown) "as unknown as Foo;" },
	  NULL },
	{ "eslint_disable",
	  { "me|  // " H(k, eslint_disable) "eslint-disable-next-line no-console", "m|/* " H(k, eslint_disable) "eslint-disable */" },
	  "c|  const s = \"" H(s, eslint_disable) "eslint-disable\";",
	  NULL,
	  NULL,
	  { "me|  // eslint-enable", "c|  const eslintDisabled = false;" },
	  { NULL, NULL },
	  "me|  // " H(q, eslint_disable) "eslint-disable-next-line no-console -- the CLI prints to stdout" },
};

static const char *const js_templates[] = {
	"c|  const s = `" H(s, as_unknown) "as unknown ${ x " H(c, as_unknown) "as unknown } " H(s, ts_ignore) "@ts-ignore`;",
	"c|  const t = `a ${ `" H(s, as_unknown) "as unknown` } b`;",
	"c|  const u = `a ${ `b` + (y " H(c, as_unknown) "as unknown) } c`;",
	"c|  const w = `${ { a: 1 }.a + (z " H(c, as_unknown) "as unknown) } tail`;",
	"x|  const multi = `first line",
	"x|  // " H(s, ts_ignore) "@ts-ignore is text in a template",
	"x|  `;",
	"c|  const after = 1;",
	NULL,
};

static const char *const js_regexes[] = {
	"c|  const re = /[\"'`]/g; const v = x " H(c, as_unknown) "as unknown as T;",
	"c|  const url = /https:\\/\\//; const w = y " H(c, as_unknown) "as unknown as U;",
	"c|  const slashes = /\\/\\* " H(g, ts_ignore) "@ts-ignore \\*\\//; const n = 1;",
	"c|  const ratio = a / b / c; // " H(k, ts_ignore) "@ts-ignore",
	"c|  if (ok) { return /\\/\\//.test(s); } const m = z " H(c, as_unknown) "as unknown as V;",
	NULL,
};

static const char *const js_directives[] = {
	"c|  const before = 0;",
	"me|  // " H(q, eslint_disable) "eslint-disable-next-line no-console -- the CLI prints to stdout",
	"c|  console.log(msg);",
	"m|/* " H(k, eslint_disable) "eslint-disable */",
	"c|  const mid = 0;",
	"m|  // JUSTIFIED: generated file, linted upstream" J(JUSTIFIED),
	"m|  /* " H(k, eslint_disable) "eslint-disable no-var */",
	"me|  // " H(k, ts_expect_error) "@ts-expect-error the types lag the runtime",
	"me|  // " H(k, biome_ignore) "biome-ignore lint/complexity: measured hot path",
	"c|  const e = \"" H(s, ts_expect_error) "@ts-expect-error\";",
	"c|  const bi = '" H(s, biome_ignore) "biome-ignore';",
	"ce|  const ig = \"" H(s, ts_ignore) "@ts-ignore\"; // " H(k, ts_ignore) "@ts-ignore",
	"m|  /** " H(k, ts_ignore) "@ts-ignore in a doc comment */",
	"m|  // CAST: the JSON was validated by the schema" J(CAST),
	"k|  const cfg =",
	"c|    raw " H(c, as_unknown) "as unknown as Config;",
	"m|  /* " H(q, eslint_disable) "eslint-disable no-restricted-syntax -- generated code */",
	NULL,
};

static const struct gblock js_cases[] = {
	{ "template-literals", js_templates },
	{ "regex-literals", js_regexes },
	{ "directives-markers", js_directives },
};

/* ---- Python ---------------------------------------------------------------------------------- */

static const struct gpat py_pats[] = {
	{ "type_ignore",
	  { "ce|    x = f()  " H(k, type_ignore) "# type: ignore", "ce|    y = g(x)  " H(k, type_ignore) "#type:ignore[attr-defined]" },
	  "c|    s = \"" H(s, type_ignore) "# type: ignore\"",
	  "me|    " H(k, type_ignore) "# type: ignore in a comment line",
	  NULL,
	  { "ce|    x = f()  # type: int", "c|    ignore_types = True" },
	  { NULL, NULL },
	  NULL },
	{ "noqa",
	  { "ce|    import os  " H(k, noqa) "# noqa", "ce|    x = 1  " H(k, noqa) "#noqa: E501" },
	  "c|    s = '" H(s, noqa) "# noqa'",
	  NULL,
	  NULL,
	  { "c|    noqa_count = 0", "m|    # no qa needed" },
	  { NULL, NULL },
	  NULL },
	{ "pylint_disable",
	  { "ce|    x = 1  # " H(k, pylint_disable) "pylint: disable=invalid-name", "me|    # " H(k, pylint_disable) "pylint:disable=too-many-locals" },
	  "c|    s = \"" H(s, pylint_disable) "pylint: disable\"",
	  NULL,
	  NULL,
	  { "m|    # pylint: enable=invalid-name", "c|    pylint_disabled = False" },
	  { NULL, NULL },
	  NULL },
	{ "eval",
	  { "c|    v = " H(c, eval) "eval(expr)", "c|    return " H(c, eval) "eval (src, env)" },
	  "c|    s = \"" H(s, eval) "eval(x)\"",
	  "m|    # never " H(k, eval) "eval( input",
	  "c|    v = " H(c, eval) "eval(a) + " H(c, eval) "eval(b)",
	  { "c|    v = ast.literal_eval(expr)", "c|    v = model.eval(x)" },
	  { NULL, NULL },
	  NULL },
	{ "exec",
	  { "c|    " H(c, exec) "exec(code)", "c|    " H(c, exec) "exec(compile(src, name, 'exec'))" },
	  "c|    s = \"" H(s, exec) "exec(x)\"",
	  "m|    # " H(k, exec) "exec( is worse",
	  NULL,
	  { "c|    executor(code)", "c|    self.exec(code)" },
	  { NULL, NULL },
	  NULL },
	{ "dunder_import",
	  { "c|    mod = " H(c, dunder_import) "__import__(name)", "c|    " H(c, dunder_import) "__import__ (\"pkg.sub\")" },
	  "c|    s = \"" H(s, dunder_import) "__import__(x)\"",
	  "m|    # " H(k, dunder_import) "__import__( hides imports",
	  NULL,
	  { "c|    importlib.import_module(name)", "c|    x.__import_hook__(y)" },
	  { NULL, NULL },
	  NULL },
	{ "breakpoint",
	  { "c|    " H(c, breakpoint) "breakpoint()", "c|    if debug: " H(c, breakpoint) "breakpoint ()" },
	  "c|    s = \"" H(s, breakpoint) "breakpoint()\"",
	  "m|    # " H(k, breakpoint) "breakpoint() left here?",
	  NULL,
	  { "c|    dbg.breakpoint(x)", "c|    set_breakpoint(line)" },
	  { NULL, NULL },
	  NULL },
	{ "pdb",
	  { "c|" H(c, pdb) "    import pdb", "c|    " H(c, pdb) "pdb.set_trace()" },
	  "c|    s = \"" H(s, pdb) "pdb.set_trace()\"",
	  "m|    # " H(k, pdb) "pdb.set_trace() for debugging",
	  NULL,
	  { "c|    import pdbpp_helper", "c|    mypdb.set_trace_off()" },
	  { NULL, NULL },
	  NULL },
};

static const char *const py_strings[] = {
	"c|    doc = \"\"\"A docstring over lines",
	"x|    " H(s, type_ignore) "# type: ignore is not a comment here",
	"x|    " H(s, eval) "eval(x) and " H(s, exec) "exec(y) are text",
	"x|    \"\"\"",
	"c|    v = 1",
	"c|    s = r'''raw " H(s, noqa) "# noqa'''; t = b\"" H(s, eval) "eval(b)\"; u = f\"{v} " H(s, type_ignore) "# type: ignore\"",
	"c|    w = \"\"\"it's '''not''' the end " H(s, eval) "eval(z)\"\"\"; r = " H(c, eval) "eval(w)",
	"c|    q = \"a # not a comment\"; k = " H(c, exec) "exec(q)",
	"c|    h = 'it\\'s # still a string'; " H(c, dunder_import) "__import__(h)",
	NULL,
};

static const char *const py_markers[] = {
	"c|    before = 0",
	"ce|    x = f()  " H(k, type_ignore) "# type: ignore  # JUSTIFIED: inside the same comment",
	"m|    # JUSTIFIED: the stub is wrong" J(JUSTIFIED),
	"ce|    y = g()  " H(k, type_ignore) "# type: ignore",
	"m|    #Justified: no space, another case" J(JUSTIFIED),
	"ce|    import os  " H(k, noqa) "# noqa: F401",
	"m|    # EVAL: the expression comes from our own config" J(EVAL),
	"c|    v = " H(c, eval) "eval(expr)",
	"m|    # EXEC: generated code, reviewed" J(EXEC),
	"c|    " H(c, exec) "exec(code)",
	"m|    # DYNAMIC: plugins are named in the config" J(DYNAMIC),
	"c|    mod = " H(c, dunder_import) "__import__(name)",
	"m|    # JUSTIFIED: forbidden patterns take no marker" J(JUSTIFIED),
	"c|    " H(c, breakpoint) "breakpoint()",
	"c|" H(c, pdb) "from pdb import set_trace",
	"c|" H(c, pdb) "import pdb; " H(c, pdb) "pdb.set_trace()",
	"ce|    z = 1  # " H(k, pylint_disable) "pylint: disable=invalid-name",
	"c|    n = obj.eval(x) + ast.literal_eval(y) + self.exec(z)",
	NULL,
};

static const struct gblock py_cases[] = {
	{ "strings", py_strings },
	{ "markers", py_markers },
};

/* ---- Ruby ------------------------------------------------------------------------------------ */

static const struct gpat rb_pats[] = {
	{ "binding_pry",
	  { "c|  " H(c, binding_pry) "binding.pry", "c|  " H(c, binding_pry) "binding.pry if debug?" },
	  "c|  s = \"" H(s, binding_pry) "binding.pry\"",
	  "m|  # remove " H(k, binding_pry) "binding.pry before commit",
	  NULL,
	  { "c|  bindings.pry_count = 0", "c|  binding.local_variables" },
	  { NULL, NULL },
	  NULL },
	{ "byebug",
	  { "c|  " H(c, byebug) "byebug", "c|  " H(c, byebug) "byebug if ENV['DEBUG']" },
	  "c|  require '" H(s, byebug) "byebug'",
	  "m|  # " H(k, byebug) "byebug stops here",
	  NULL,
	  { "c|  byebug_enabled = false", "c|  Pry.byebugger" },
	  { NULL, NULL },
	  NULL },
	{ "debugger",
	  { "c|  " H(c, debugger) "debugger", "c|  " H(c, debugger) "debugger unless ci?" },
	  "c|  s = '" H(s, debugger) "debugger'",
	  "m|  # the " H(k, debugger) "debugger is off",
	  NULL,
	  { "c|  debugger_port = 9229", "c|  use_debuggers = true" },
	  { NULL, NULL },
	  NULL },
	{ "ruby_eval",
	  { "c|  " H(c, ruby_eval) "eval(src)", "c|  value = " H(c, ruby_eval) "eval \"1 + 1\"" },
	  "c|  s = \"" H(s, ruby_eval) "eval\"",
	  "m|  # " H(k, ruby_eval) "eval is slow",
	  "c|  " H(c, ruby_eval) "eval(a); " H(c, ruby_eval) "eval(b)",
	  { "c|  obj.eval(x)", "c|  evaluate(x)" },
	  { NULL, NULL },
	  NULL },
	{ "instance_eval",
	  { "c|  obj" H(c, instance_eval) ".instance_eval { @secret }", "c|  Foo" H(c, instance_eval) ".class_eval(src)" },
	  "c|  s = \"" H(s, instance_eval) ".module_eval\"",
	  "m|  # avoid " H(k, instance_eval) ".instance_eval here",
	  NULL,
	  { "c|  obj.instance_variable_get(:@x)", "c|  obj.class_evaluator" },
	  { NULL, NULL },
	  NULL },
	{ "rubocop_disable",
	  { "ce|  x = 1 # " H(k, rubocop_disable) "rubocop:disable Style/Foo", "me|  # " H(k, rubocop_disable) "rubocop:disable all" },
	  "c|  s = \"" H(s, rubocop_disable) "rubocop:disable\"",
	  NULL,
	  NULL,
	  { "m|  # rubocop:enable all", "c|  rubocop_disabled = false" },
	  { NULL, NULL },
	  NULL },
};

static const char *const rb_lexing[] = {
	"c|  before = 0",
	"m|=begin",
	"m|" H(k, binding_pry) "binding.pry in a block comment",
	"m|" H(k, ruby_eval) "eval(src) is documentation here",
	"m|=end",
	"c|  s = \"a#{" H(s, ruby_eval) "eval(src)}b\"; " H(c, binding_pry) "binding.pry",
	"c|  t = \"#{" H(s, binding_pry) "binding.pry}\"",
	"c|  u = `" H(s, ruby_eval) "eval ls`",
	"c|  require '" H(s, byebug) "byebug'",
	"c|  h = \"a # b\"; " H(c, byebug) "byebug",
	"c|  " H(c, debugger) "debugger",
	NULL,
};

static const char *const rb_markers[] = {
	"c|  before = 0",
	"m|  # METAPROGRAMMING: the DSL defines readers" J(METAPROGRAMMING),
	"c|  klass" H(c, instance_eval) ".class_eval(body)",
	"m|  # JUSTIFIED: the input is sandboxed" J(JUSTIFIED),
	"c|  " H(c, ruby_eval) "eval(code)",
	"ce|  x = 1 # " H(k, rubocop_disable) "rubocop:disable Style/Foo # JUSTIFIED: inside the same comment",
	"m|  # Justified: in another case" J(JUSTIFIED),
	"ce|  y = 2 # " H(k, rubocop_disable) "rubocop:disable Style/Bar",
	NULL,
};

static const struct gblock rb_cases[] = {
	{ "lexing", rb_lexing },
	{ "markers", rb_markers },
};

/* ---- shell ----------------------------------------------------------------------------------- */

static const struct gpat sh_pats[] = {
	{ "shellcheck_disable",
	  { "me|" H(k, shellcheck_disable) "# shellcheck disable=SC2086", "me|  " H(k, shellcheck_disable) "#shellcheck disable=SC2046" },
	  "c|echo \"" H(s, shellcheck_disable) "# shellcheck disable=SC1\"",
	  "me|# see " H(k, shellcheck_disable) "# shellcheck disable= in the wiki",
	  NULL,
	  { "m|# shellcheck source=lib.sh", "m|# shellcheck enable=all" },
	  { NULL, NULL },
	  NULL },
	{ "set_plus_e",
	  { "c|" H(c, set_plus_e) "set +e", "c|  " H(c, set_plus_e) "set  +e -u" },
	  "c|echo \"" H(s, set_plus_e) "set +e\"",
	  "m|# " H(k, set_plus_e) "set +e disables errexit",
	  NULL,
	  { "c|set -e", "c|set +eu" },
	  { NULL, NULL },
	  NULL },
	{ "shell_eval",
	  { "c|" H(c, shell_eval) "eval \"$cmd\"", "c|  " H(c, shell_eval) "eval \"$(ssh-agent -s)\"" },
	  "c|echo \"" H(s, shell_eval) "eval it\"",
	  "m|# " H(k, shell_eval) "eval is dangerous",
	  NULL,
	  { "c|evaluate \"$x\"", "c|eval_count=0" },
	  { NULL, NULL },
	  NULL },
};

static const char *const sh_lexing[] = {
	"c|echo a#b; " H(c, set_plus_e) "set +e",
	"c|n=${#items[@]}; " H(c, shell_eval) "eval \"$cmd\"",
	"c|printf $'it\\'s # not a comment\\n'; " H(c, set_plus_e) "set +e",
	"c|echo a" H(c, shellcheck_disable) "# shellcheck disable=SC1",
	"c|cat <<EOF",
	"x|" H(s, shell_eval) "eval \"$x\" is text in a here-document",
	"x|" H(s, shellcheck_disable) "# shellcheck disable=SC2086 is text too",
	"x|EOF",
	"c|cat <<-EOF",
	"x|\t" H(s, set_plus_e) "set +e in a tab-indented here-document",
	"x|\tEOF",
	"c|cat <<'EOF'",
	"x|" H(s, shell_eval) "eval \"$(date)\"",
	"x|EOF",
	"c|cat <<\"EOF\"",
	"x|" H(s, set_plus_e) "set +e",
	"x|EOF",
	"c|grep -q x <<< \"$input\"",
	"c|" H(c, shell_eval) "eval \"$input\"",
	NULL,
};

static const char *const sh_markers[] = {
	"c|true",
	"m|#OK: errexit is restored below" J(OK),
	"c|" H(c, set_plus_e) "set +e",
	"m|# ok: in another case" J(OK),
	"c|" H(c, shell_eval) "eval \"$(ssh-agent -s)\"",
	"c|" H(c, set_plus_e) "set +e  # OK: on the same line" J(OK),
	"c|" H(c, set_plus_e) "set +e #not-a-marker # OK: later in the same comment",
	"me|" H(k, shellcheck_disable) "#shellcheck disable=SC2086",
	"c|reset +e; set +eu; set -e",
	NULL,
};

static const struct gblock sh_cases[] = {
	{ "lexing-heredocs", sh_lexing },
	{ "markers", sh_markers },
};

/* ---- heads: shebangs and Rust module declarations --------------------------------------------- */

static const char *const head_none[] = { NULL };
static const char *const head_sh[] = { "m|#!/bin/sh", NULL };
static const char *const head_bash[] = { "m|#!/usr/bin/env bash", NULL };
static const char *const head_zsh[] = { "m|#!/bin/zsh", NULL };
static const char *const head_python3[] = { "m|#!/usr/bin/env python3", NULL };
static const char *const head_python[] = { "m|#!/usr/bin/python", NULL };
static const char *const head_ruby[] = { "m|#!/usr/bin/env ruby", NULL };
/* to the JS lexer this line is code, with a regex literal in it: kept apart from any search */
static const char *const head_node[] = { "x|#!/usr/bin/env node", NULL };

static const char *const head_rust_root[] = {
	"m|//! The crate root: it declares its modules, some of them for tests only.",
	"c|pub mod parser;",
	"ta|#[cfg(test)]",
	"tc|mod helpers;",
	"tc|#[cfg(test)] mod checks;",
	"a|#[cfg(not(test))]",
	"c|mod real;",
	"c|pub fn root() -> u8 { cfg()" H(c, unwrap) ".unwrap() }",
	NULL,
};

static const char *const head_rust_helpers[] = {
	"m|//! Test helpers: this file and the modules it declares are test code.",
	"c|mod fixtures;",
	"c|pub fn helper() -> u8 { make()" H(c, unwrap) ".unwrap() }",
	NULL,
};

static const char *const head_rust_parser[] = {
	"m|//! The parser; its unit tests live in parser/tests.rs.",
	"tc|#[cfg(test)] mod tests;",
	"c|pub fn parse() -> u8 { input()" H(c, expect) ".expect(\"input\") }",
	NULL,
};

const struct gblock lang__heads[HEAD_COUNT] = {
	[HEAD_NONE] = { "none", head_none },
	[HEAD_SH] = { "shebang-sh", head_sh },
	[HEAD_BASH] = { "shebang-env-bash", head_bash },
	[HEAD_ZSH] = { "shebang-zsh", head_zsh },
	[HEAD_PYTHON3] = { "shebang-env-python3", head_python3 },
	[HEAD_PYTHON] = { "shebang-python", head_python },
	[HEAD_RUBY] = { "shebang-env-ruby", head_ruby },
	[HEAD_NODE] = { "shebang-env-node", head_node },
	[HEAD_RUST_ROOT] = { "rust-root", head_rust_root },
	[HEAD_RUST_HELPERS] = { "rust-helpers", head_rust_helpers },
	[HEAD_RUST_PARSER] = { "rust-parser", head_rust_parser },
};

const unsigned char lang__head_lang[HEAD_COUNT] = {
	[HEAD_NONE] = LANG_COUNT, [HEAD_SH] = LANG_SH,     [HEAD_BASH] = LANG_SH,
	[HEAD_ZSH] = LANG_SH,     [HEAD_PYTHON3] = LANG_PY, [HEAD_PYTHON] = LANG_PY,
	[HEAD_RUBY] = LANG_RB,    [HEAD_NODE] = LANG_JS,    [HEAD_RUST_ROOT] = LANG_RUST,
	[HEAD_RUST_HELPERS] = LANG_RUST, [HEAD_RUST_PARSER] = LANG_RUST,
};

/* ---- the languages ---------------------------------------------------------------------------- */

const struct glang lang__tabs[LANG_COUNT] = {
	[LANG_RUST] = { "rs", "//", 1, "    ",
			{ "c|    let v%u = w%u.saturating_add(%u);", "c|    total += compute_%u(&items[%u..%u]);",
			  "m|    // keep step %u cheap (%u of %u)", "b|", "c|    if n%u > %u { return None; } // %u" },
			rust_pats, N(rust_pats), rust_cases, N(rust_cases), rust_modules, N(rust_modules) },
	[LANG_GO] = { "go", "//", 1, "\t",
		      { "c|\tv%u := w%u + %u", "c|\tif n%u > %u { return errStep%u }", "m|\t// step %u of %u (%u)", "b|",
			"c|\tresult%u = append(result%u, %u)" },
		      go_pats, N(go_pats), go_cases, N(go_cases), NULL, 0 },
	[LANG_C] = { "c", "//", 1, "\t",
		     { "c|\tint v%u = w%u + %u;", "c|\tif (n%u > %u) return -%u;", "m|\t/* step %u of %u (%u) */", "b|",
		       "c|\ttotal%u += table[%u] * %u;" },
		     c_pats, N(c_pats), c_cases, N(c_cases), NULL, 0 },
	[LANG_TS] = { "ts", "//", 1, "  ",
		      { "c|  const v%u = w%u + %u;", "c|  if (n%u > %u) { return null%u; }", "m|  // step %u of %u (%u)", "b|",
			"c|  total%u += items[%u] * %u;" },
		      js_pats, N(js_pats), js_cases, N(js_cases), NULL, 0 },
	[LANG_JS] = { "js", "//", 1, "  ",
		      { "c|  const v%u = w%u + %u;", "c|  if (n%u > %u) { return null%u; }", "m|  // step %u of %u (%u)", "b|",
			"c|  total%u += items[%u] * %u;" },
		      js_pats, N(js_pats), js_cases, N(js_cases), NULL, 0 },
	[LANG_PY] = { "py", "#", 0, "    ",
		      { "c|    v%u = w%u + %u", "c|    if n%u > %u: return None  # %u", "m|    # step %u of %u (%u)", "b|",
			"c|    total%u += items[%u] * %u" },
		      py_pats, N(py_pats), py_cases, N(py_cases), NULL, 0 },
	[LANG_RB] = { "rb", "#", 0, "  ",
		      { "c|  v%u = w%u + %u", "c|  return nil if n%u > %u # %u", "m|  # step %u of %u (%u)", "b|",
			"c|  total%u += items[%u] * %u" },
		      rb_pats, N(rb_pats), rb_cases, N(rb_cases), NULL, 0 },
	[LANG_SH] = { "sh", "#", 0, "",
		      { "c|v%u=$((w%u + %u))", "c|[ \"$n%u\" -gt %u ] && exit %u", "m|# step %u of %u (%u)", "b|",
			"c|total%u=$((total%u * %u))" },
		      sh_pats, N(sh_pats), sh_cases, N(sh_cases), NULL, 0 },
};

/* clang-format on */
