/*
 * config.c: fuzzes the config loader (lib/config.c): the input is the
 * file $TKT_CONFIG names, in a scratch directory that is also $HOME.
 * Invariants:
 *
 *   - a file that does not load says why, at the file's path (and a line
 *     and column when it points into it), as a usage error;
 *   - a file that loads gives stores with a name, each once, an api a
 *     marketplace module speaks (v2, v3), an origin tkt_origin_check takes
 *     and that is its own origin, a positive sla that gives a deadline
 *     for any record time, the global vars and required locales; a
 *     default_store among them; health bands that are fractions;
 *   - the store chosen without a name (tkt_config_store) is the default
 *     store, or the only one, or an error saying why (always, when that
 *     store has a url); tkt_config_stores agrees with it.
 */
#include <math.h>

#include "fuzz.h"

static void
check_store(const struct tkt_config *c, const struct tkt_store *s)
{
	struct tkt_error e;

	FUZZ_CHECK(s->name != NULL, "a store without a name");
	FUZZ_CHECK(s->api != NULL && (strcmp(s->api, "v2") == 0 ||
	    strcmp(s->api, "v3") == 0) && tkt_market(s) != NULL,
	    "store %s: api %s", s->name, s->api ? s->api : "(null)");
	if (s->url != NULL) {
		tkt_error_clear(&e);
		FUZZ_CHECK(tkt_origin_check(s->url, &e) == 0 &&
		    tkt_same_origin(s->url, s->url),
		    "store %s: url '%s' is not an origin", s->name, s->url);
	}
	/* A deadline from any time a record can hold, written as a time. */
	FUZZ_CHECK(s->sla > 0, "store %s: sla %lld", s->name, (long long)s->sla);
	{
		time_t due = tkt_due_at((time_t)253402300799LL, s->sla);
		char buf[21];

		FUZZ_CHECK(due != (time_t)-1 && due >= (time_t)253402300799LL,
		    "store %s: sla %lld gives due_at %lld", s->name,
		    (long long)s->sla, (long long)due);
		tkt_time_format(due, buf);
	}
	for (size_t j = 0; j < c->vars.n; j++)
		FUZZ_CHECK(tkt_vars_get(&s->vars, c->vars.v[j].name) != NULL,
		    "store %s lacks the global var %s", s->name,
		    c->vars.v[j].name);
	if (c->nrequired_locales > 0)
		FUZZ_CHECK(s->nrequired_locales > 0,
		    "store %s lacks the required locales", s->name);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[4200];

	(void)argc;
	(void)argv;
	fuzz_env("fuzz-config");
	snprintf(path, sizeof(path), "%s/config.yaml", fuzz_dir);
	setenv("TKT_CONFIG", path, 1);
	setenv("HOME", fuzz_dir, 1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("config.yaml", data, size);
	struct tkt_config c;
	struct tkt_error e;
	struct tkt_store *s, *want = NULL, **ss = NULL;
	struct tkt_strs none = { NULL, 0 };
	size_t nss = 0;
	int rc;

	tkt_error_clear(&e);
	if (tkt_config_load(&c, &e) == -1) {
		FUZZ_CHECK(e.msg[0] != '\0' && e.status == TKT_EXIT_USAGE &&
		    strncmp(e.where, path, strlen(path)) == 0,
		    "a config refused without a reason at its path: '%s' '%s'",
		    e.where, e.msg);
		tkt_config_free(&c);
		return 0;
	}
	FUZZ_CHECK(c.path != NULL && strcmp(c.path, path) == 0,
	    "the config read is not $TKT_CONFIG");
	FUZZ_CHECK(c.sla > 0, "sla %lld", (long long)c.sla);
	FUZZ_CHECK(c.late_warning >= 0 && c.late_warning <= 1 &&
	    c.late_critical >= 0 && c.late_critical <= 1 &&
	    c.csat_warning >= 0 && c.csat_warning <= 1 &&
	    c.csat_critical >= 0 && c.csat_critical <= 1 &&
	    !isnan(c.late_warning) && !isnan(c.late_critical) &&
	    !isnan(c.csat_warning) && !isnan(c.csat_critical),
	    "health bands out of 0..1");
	for (size_t i = 0; i < c.nstores; i++) {
		check_store(&c, &c.stores[i]);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(c.stores[i].name, c.stores[j].name) != 0,
			    "store %s twice", c.stores[i].name);
	}
	for (size_t i = 0; i < c.ntemplate_dirs; i++)
		FUZZ_CHECK(c.template_dirs[i] != NULL && c.template_dirs[i][0],
		    "an empty template dir");

	/* The store to choose: the default, or the only one. */
	if (c.default_store != NULL) {
		for (size_t i = 0; i < c.nstores; i++)
			if (strcmp(c.stores[i].name, c.default_store) == 0)
				want = &c.stores[i];
		FUZZ_CHECK(want != NULL, "default_store %s is not a store",
		    c.default_store);
	} else if (c.nstores == 1)
		want = &c.stores[0];
	tkt_error_clear(&e);
	s = tkt_config_store(&c, NULL, &e);
	FUZZ_CHECK(s == NULL || s == want, "store %s chosen, not %s", s->name,
	    want ? want->name : "none");
	FUZZ_CHECK(s != NULL || want == NULL || want->url == NULL,
	    "store %s (with a url) not chosen: %s", want->name, e.msg);
	if (s == NULL)
		FUZZ_CHECK(e.msg[0] != '\0', "no store, and no reason");
	tkt_error_clear(&e);
	rc = tkt_config_stores(&c, &none, &ss, &nss, &e);
	FUZZ_CHECK((rc == 0) == (s != NULL) && (rc != 0 || (nss == 1 &&
	    ss[0] == s)), "tkt_config_stores and tkt_config_store disagree");
	free(ss);
	tkt_config_free(&c);
	return 0;
}
