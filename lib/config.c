/*
 * config.c: the YAML configuration (tkt-config(5)), its stores, the
 * environment overrides, and its secrets rules (tkt-config(5), Secrets).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "tkt.h"

#define DEFAULT_SLA (48 * 3600)

static int
bad(struct tkt_error *err, const char *path, const struct tkt_ynode *n,
    const char *fmt, const char *a, const char *b)
{
	tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, fmt, a, b);
	if (n != NULL)
		tkt_error_where(err, "%s:%u:%u", path, n->line, n->col);
	else
		tkt_error_where(err, "%s", path);
	return -1;
}

static int
want(struct tkt_error *err, const char *path, const struct tkt_ynode *n,
    int type, const char *key)
{
	static const char *names[] = { "a scalar", "a list", "a mapping" };

	if (n->type == type)
		return 0;
	return bad(err, path, n, "%s must be %s", key, names[type]);
}

/* "5%" or "0.05" into a fraction. */
static int
fraction(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0)
		return -1;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end != '\0' || v < 0 || v > 1)
		return -1;
	*out = v;
	return 0;
}

static char *
expand_path(const char *p, const char *cfgpath)
{
	const char *home;
	const char *slash;

	if (p[0] == '~' && p[1] == '/' && (home = getenv("HOME")) != NULL)
		return xasprintf("%s%s", home, p + 1);
	if (p[0] == '/' || cfgpath == NULL ||
	    (slash = strrchr(cfgpath, '/')) == NULL)
		return xstrdup(p);
	return xasprintf("%.*s/%s", (int)(slash - cfgpath), cfgpath, p);
}

static int
parse_list(struct tkt_error *err, const char *path, const struct tkt_ynode *n,
    const char *key, char ***out, size_t *nout)
{
	if (n->type == TKT_Y_SCALAR) {
		/* A comma list is accepted as well as a YAML list. */
		char *dup = xstrdup(n->value), *tok, *save = NULL;

		for (tok = strtok_r(dup, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save)) {
			*out = xreallocarray(*out, *nout + 1, sizeof(**out));
			(*out)[(*nout)++] = xstrdup(tok);
		}
		free(dup);
		return 0;
	}
	if (want(err, path, n, TKT_Y_SEQ, key) == -1)
		return -1;
	for (size_t i = 0; i < n->nitems; i++) {
		if (want(err, path, n->items[i], TKT_Y_SCALAR, key) == -1)
			return -1;
		*out = xreallocarray(*out, *nout + 1, sizeof(**out));
		(*out)[(*nout)++] = xstrdup(n->items[i]->value);
	}
	return 0;
}

/*
 * file_hosts: a list of "host[:port]/path-prefix" entries, each with a
 * host and a path that begins and ends with "/" ("host/" for a whole
 * host); no scheme (https is the rule, http only to loopback), no query.
 */
static int
parse_file_hosts(struct tkt_error *err, const char *path,
    const struct tkt_ynode *n, char ***out, size_t *nout)
{
	size_t first = *nout;

	if (n->type == TKT_Y_SEQ && n->nitems == 0)
		return 0;
	if (parse_list(err, path, n, "file_hosts", out, nout) == -1)
		return -1;
	for (size_t i = first; i < *nout; i++) {
		const char *e = (*out)[i], *slash = strchr(e, '/');
		size_t len = strlen(e);

		if (strstr(e, "://") != NULL || slash == NULL || slash == e ||
		    e[len - 1] != '/' || strpbrk(e, "?#@ \t") != NULL)
			return bad(err, path, n, "file_hosts: '%s' is not "
			    "host/path-prefix/ (no scheme, a path ending in /, "
			    "as in %s)", e, TKT_FILE_HOSTS_DEFAULT);
	}
	return 0;
}

static int
parse_vars(struct tkt_error *err, const char *path, const struct tkt_ynode *n,
    struct tkt_vars *vars)
{
	if (want(err, path, n, TKT_Y_MAP, "vars") == -1)
		return -1;
	for (size_t i = 0; i + 1 < n->nitems; i += 2) {
		if (want(err, path, n->items[i + 1], TKT_Y_SCALAR, "a var") == -1)
			return -1;
		tkt_vars_set(vars, n->items[i]->value, n->items[i + 1]->value);
	}
	return 0;
}

static int
parse_sla(struct tkt_error *err, const char *path, const struct tkt_ynode *n,
    int64_t *out)
{
	if (want(err, path, n, TKT_Y_SCALAR, "sla") == -1)
		return -1;
	if (tkt_duration_unitless(n->value))
		return bad(err, path, n, "sla: '%s' has no unit: %sh?",
		    n->value, n->value);
	if (tkt_duration_parse(n->value, out) == -1 || *out <= 0)
		return bad(err, path, n,
		    "sla: '%s' is not a duration (e.g. 48h, 2d)%s", n->value, "");
	return 0;
}

/*
 * A refresh needs all of its settings, and a token file to keep the new
 * token in: a refresh that could not be stored would be lost at exit.
 */
static int
refresh_check(const struct tkt_store *s, struct tkt_error *err,
    const char *path, const struct tkt_ynode *key)
{
	const char *miss = NULL;

	if (s->refresh_token_file == NULL && s->client_id == NULL &&
	    s->client_secret_file == NULL && s->client_secret_env == NULL)
		return 0;
	if (s->refresh_token_file == NULL)
		miss = "refresh_token_file";
	else if (s->client_id == NULL)
		miss = "client_id";
	else if (s->client_secret_file == NULL && s->client_secret_env == NULL)
		miss = "client_secret_file or client_secret_env";
	else if (s->token_file == NULL)
		miss = "token_file (where the refreshed token is kept)";
	if (miss == NULL)
		return 0;
	return bad(err, path, key, "store '%s': an OAuth refresh needs %s",
	    s->name, miss);
}

static int
parse_store(struct tkt_config *c, struct tkt_error *err, const char *path,
    const struct tkt_ynode *key, const struct tkt_ynode *n)
{
	struct tkt_store *s;

	if (want(err, path, n, TKT_Y_MAP, "a store") == -1)
		return -1;
	c->stores = xreallocarray(c->stores, c->nstores + 1, sizeof(*c->stores));
	s = &c->stores[c->nstores++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(key->value);
	s->sla = -1;
	snprintf(s->where, sizeof(s->where), "%s:%u:%u", path, key->line, key->col);
	for (size_t i = 0; i + 1 < n->nitems; i += 2) {
		const char *k = n->items[i]->value;
		struct tkt_ynode *v = n->items[i + 1];

		if (strcmp(k, "sla") == 0) {
			if (parse_sla(err, path, v, &s->sla) == -1)
				return -1;
			continue;
		}
		if (strcmp(k, "vars") == 0) {
			if (parse_vars(err, path, v, &s->vars) == -1)
				return -1;
			continue;
		}
		if (strcmp(k, "required_locales") == 0) {
			if (parse_list(err, path, v, k, &s->required_locales,
			    &s->nrequired_locales) == -1)
				return -1;
			continue;
		}
		if (strcmp(k, "file_hosts") == 0) {
			if (parse_file_hosts(err, path, v, &s->file_hosts,
			    &s->nfile_hosts) == -1)
				return -1;
			s->file_hosts_set = 1;
			continue;
		}
		if (want(err, path, v, TKT_Y_SCALAR, k) == -1)
			return -1;
		if (strcmp(k, "api") == 0) {
			if (strcmp(v->value, "v2") != 0 && strcmp(v->value, "v3") != 0)
				return bad(err, path, v,
				    "api: '%s' is not v2 or v3%s", v->value, "");
			free(s->api);
			s->api = xstrdup(v->value);
		} else if (strcmp(k, "url") == 0) {
			free(s->url);
			s->url = xstrdup(v->value);
			if (tkt_origin_check(s->url, err) == -1) {
				tkt_error_where(err, "%s:%u:%u", path, v->line, v->col);
				return -1;
			}
		} else if (strcmp(k, "token_file") == 0) {
			free(s->token_file);
			s->token_file = expand_path(v->value, path);
		} else if (strcmp(k, "token_env") == 0) {
			free(s->token_env);
			s->token_env = xstrdup(v->value);
		} else if (strcmp(k, "refresh_token_file") == 0) {
			free(s->refresh_token_file);
			s->refresh_token_file = expand_path(v->value, path);
		} else if (strcmp(k, "client_id") == 0) {
			free(s->client_id);
			s->client_id = xstrdup(v->value);
		} else if (strcmp(k, "client_secret_file") == 0) {
			free(s->client_secret_file);
			s->client_secret_file = expand_path(v->value, path);
		} else if (strcmp(k, "client_secret_env") == 0) {
			free(s->client_secret_env);
			s->client_secret_env = xstrdup(v->value);
		} else if (strcmp(k, "refresh_token") == 0 ||
		    strcmp(k, "client_secret") == 0) {
			return bad(err, path, n->items[i],
			    "%s is a secret, never written in the config; use "
			    "%s_file (mode 0600)", k, k);
		} else if (strcmp(k, "token") == 0) {
			return bad(err, path, n->items[i],
			    "a token is never written in the config; use token_file "
			    "(mode 0600) or token_env%s%s", "", "");
		} else
			return bad(err, path, n->items[i],
			    "unknown store setting '%s'%s", k, "");
	}
	return refresh_check(s, err, path, key);
}

static int
parse_health(struct tkt_config *c, struct tkt_error *err, const char *path,
    const struct tkt_ynode *n)
{
	if (want(err, path, n, TKT_Y_MAP, "health") == -1)
		return -1;
	for (size_t i = 0; i + 1 < n->nitems; i += 2) {
		const char *k = n->items[i]->value;
		struct tkt_ynode *v = n->items[i + 1];
		double *warn, *crit;

		if (strcmp(k, "late_rate") == 0) {
			warn = &c->late_warning;
			crit = &c->late_critical;
		} else if (strcmp(k, "csat") == 0) {
			warn = &c->csat_warning;
			crit = &c->csat_critical;
		} else
			return bad(err, path, n->items[i],
			    "unknown health band '%s' (late_rate, csat)%s", k, "");
		if (want(err, path, v, TKT_Y_MAP, k) == -1)
			return -1;
		for (size_t j = 0; j + 1 < v->nitems; j += 2) {
			const char *b = v->items[j]->value;
			struct tkt_ynode *bv = v->items[j + 1];
			double *dst;

			if (strcmp(b, "warning") == 0)
				dst = warn;
			else if (strcmp(b, "critical") == 0)
				dst = crit;
			else
				return bad(err, path, v->items[j],
				    "unknown band '%s' (warning, critical)%s", b, "");
			if (bv->type != TKT_Y_SCALAR || fraction(bv->value, dst) == -1)
				return bad(err, path, bv,
				    "%s: not a fraction or a percentage (e.g. 5%%)%s",
				    b, "");
		}
	}
	return 0;
}

static int
parse_root(struct tkt_config *c, struct tkt_error *err, const char *path,
    const struct tkt_ynode *root)
{
	if (root == NULL)
		return 0;
	if (want(err, path, root, TKT_Y_MAP, "the configuration") == -1)
		return -1;
	for (size_t i = 0; i + 1 < root->nitems; i += 2) {
		const char *k = root->items[i]->value;
		struct tkt_ynode *v = root->items[i + 1];

		if (strcmp(k, "stores") == 0) {
			if (want(err, path, v, TKT_Y_MAP, k) == -1)
				return -1;
			for (size_t j = 0; j + 1 < v->nitems; j += 2)
				if (parse_store(c, err, path, v->items[j],
				    v->items[j + 1]) == -1)
					return -1;
		} else if (strcmp(k, "default_store") == 0) {
			if (want(err, path, v, TKT_Y_SCALAR, k) == -1)
				return -1;
			free(c->default_store);
			c->default_store = xstrdup(v->value);
		} else if (strcmp(k, "sla") == 0) {
			if (parse_sla(err, path, v, &c->sla) == -1)
				return -1;
		} else if (strcmp(k, "health") == 0) {
			if (parse_health(c, err, path, v) == -1)
				return -1;
		} else if (strcmp(k, "templates") == 0) {
			size_t first = c->ntemplate_dirs;

			if (parse_list(err, path, v, k, &c->template_dirs,
			    &c->ntemplate_dirs) == -1)
				return -1;
			for (size_t j = first; j < c->ntemplate_dirs; j++) {
				char *e = expand_path(c->template_dirs[j], path);

				free(c->template_dirs[j]);
				c->template_dirs[j] = e;
			}
		} else if (strcmp(k, "vars") == 0) {
			if (parse_vars(err, path, v, &c->vars) == -1)
				return -1;
		} else if (strcmp(k, "required_locales") == 0) {
			if (parse_list(err, path, v, k, &c->required_locales,
			    &c->nrequired_locales) == -1)
				return -1;
		} else if (strcmp(k, "fallback") == 0) {
			if (want(err, path, v, TKT_Y_SCALAR, k) == -1)
				return -1;
			if (strcmp(v->value, "refuse") == 0)
				c->fallback_refuse = 1;
			else if (strcmp(v->value, "allow") == 0)
				c->fallback_refuse = 0;
			else
				return bad(err, path, v, "fallback: '%s' is not "
				    "allow or refuse%s", v->value, "");
		} else if (strcmp(k, "allow_fields") == 0) {
			if (parse_list(err, path, v, k, &c->allow_fields,
			    &c->nallow_fields) == -1)
				return -1;
		} else if (strcmp(k, "file_hosts") == 0) {
			if (parse_file_hosts(err, path, v, &c->file_hosts,
			    &c->nfile_hosts) == -1)
				return -1;
			c->file_hosts_set = 1;
		} else
			return bad(err, path, root->items[i],
			    "unknown setting '%s'%s", k, "");
	}
	if (c->default_store != NULL) {
		size_t i;

		for (i = 0; i < c->nstores; i++)
			if (strcmp(c->stores[i].name, c->default_store) == 0)
				break;
		if (i == c->nstores)
			return bad(err, path, tkt_yaml_get(root, "default_store"),
			    "default_store '%s' is not among the stores%s",
			    c->default_store, "");
	}
	return 0;
}

static void
env_store(struct tkt_config *c)
{
	struct tkt_store *s;

	c->stores = xreallocarray(c->stores, c->nstores + 1, sizeof(*c->stores));
	s = &c->stores[c->nstores++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup("env");
	s->sla = -1;
	snprintf(s->where, sizeof(s->where), "the environment");
}

int
tkt_config_load(struct tkt_config *c, struct tkt_error *err)
{
	const char *env, *xdg, *home;
	char *path = NULL;
	int explicit = 0;
	struct tkt_ydoc *doc = NULL;

	memset(c, 0, sizeof(*c));
	c->sla = DEFAULT_SLA;
	c->late_warning = 0.05;
	c->late_critical = 0.45;
	c->csat_warning = 0.85;
	c->csat_critical = 0.60;
	if ((env = getenv("TKT_CONFIG")) != NULL && *env != '\0') {
		path = xstrdup(env);
		explicit = 1;
	} else if ((xdg = getenv("XDG_CONFIG_HOME")) != NULL && *xdg == '/')
		path = xasprintf("%s/tkt/config.yaml", xdg);
	else if ((home = getenv("HOME")) != NULL)
		path = xasprintf("%s/.config/tkt/config.yaml", home);
	if (path != NULL && (explicit || access(path, F_OK) == 0)) {
		if ((doc = tkt_yaml_load(path, err)) == NULL) {
			free(path);
			return -1;
		}
		c->path = path;
		if (parse_root(c, err, path, doc->root) == -1) {
			tkt_yaml_free(doc);
			tkt_config_free(c);
			return -1;
		}
		tkt_yaml_free(doc);
	} else
		free(path);
	if (c->nstores == 0 && (env = getenv("TKT_API_URL")) != NULL && *env != '\0')
		env_store(c);
	for (size_t i = 0; i < c->nstores; i++) {
		struct tkt_store *s = &c->stores[i];

		if (s->sla < 0)
			s->sla = c->sla;
		/* v3 is Wish's API; v2 answers 404 since mid-2026 (legacy). */
		if (s->api == NULL)
			s->api = xstrdup("v3");
		for (size_t j = 0; j < c->vars.n; j++)
			if (tkt_vars_get(&s->vars, c->vars.v[j].name) == NULL)
				tkt_vars_set(&s->vars, c->vars.v[j].name,
				    c->vars.v[j].value);
		if (!s->file_hosts_set && c->file_hosts_set) {
			s->file_hosts_set = 1;
			for (size_t j = 0; j < c->nfile_hosts; j++) {
				s->file_hosts = xreallocarray(s->file_hosts,
				    j + 1, sizeof(char *));
				s->file_hosts[j] = xstrdup(c->file_hosts[j]);
				s->nfile_hosts = j + 1;
			}
		} else if (!s->file_hosts_set) {
			s->file_hosts_set = 1;
			s->file_hosts = xcalloc(1, sizeof(char *));
			s->file_hosts[0] = xstrdup(TKT_FILE_HOSTS_DEFAULT);
			s->nfile_hosts = 1;
		}
		if (s->nrequired_locales == 0)
			for (size_t j = 0; j < c->nrequired_locales; j++) {
				s->required_locales = xreallocarray(
				    s->required_locales, j + 1, sizeof(char *));
				s->required_locales[j] =
				    xstrdup(c->required_locales[j]);
				s->nrequired_locales = j + 1;
			}
	}
	return 0;
}

void
tkt_config_free(struct tkt_config *c)
{
	for (size_t i = 0; i < c->nstores; i++) {
		struct tkt_store *s = &c->stores[i];

		free(s->name);
		free(s->api);
		free(s->url);
		free(s->token_file);
		free(s->token_env);
		if (s->token != NULL) {
			explicit_bzero(s->token, strlen(s->token));
			free(s->token);
		}
		for (size_t j = 0; j < s->nold_tokens; j++) {
			explicit_bzero(s->old_tokens[j], strlen(s->old_tokens[j]));
			free(s->old_tokens[j]);
		}
		free(s->old_tokens);
		free(s->refresh_token_file);
		free(s->client_id);
		free(s->client_secret_file);
		free(s->client_secret_env);
		tkt_vars_free(&s->vars);
		for (size_t j = 0; j < s->nrequired_locales; j++)
			free(s->required_locales[j]);
		free(s->required_locales);
		for (size_t j = 0; j < s->nfile_hosts; j++)
			free(s->file_hosts[j]);
		free(s->file_hosts);
	}
	for (size_t j = 0; j < c->nfile_hosts; j++)
		free(c->file_hosts[j]);
	free(c->file_hosts);
	free(c->stores);
	for (size_t j = 0; j < c->ntemplate_dirs; j++)
		free(c->template_dirs[j]);
	free(c->template_dirs);
	for (size_t j = 0; j < c->nrequired_locales; j++)
		free(c->required_locales[j]);
	free(c->required_locales);
	for (size_t j = 0; j < c->nallow_fields; j++)
		free(c->allow_fields[j]);
	free(c->allow_fields);
	tkt_vars_free(&c->vars);
	free(c->default_store);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

/* Applies TKT_API_URL, TKT_API to the chosen store. */
static int
apply_env(struct tkt_store *s, struct tkt_error *err)
{
	const char *v;

	s->chosen = 1;	/* TKT_TOKEN too, in tkt_store_token */
	if ((v = getenv("TKT_API_URL")) != NULL && *v != '\0') {
		if (tkt_origin_check(v, err) == -1) {
			tkt_error_where(err, "TKT_API_URL");
			return -1;
		}
		free(s->url);
		s->url = xstrdup(v);
	}
	if ((v = getenv("TKT_API")) != NULL && *v != '\0') {
		if (strcmp(v, "v2") != 0 && strcmp(v, "v3") != 0) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "TKT_API: '%s' is not v2 or v3", v);
			return -1;
		}
		free(s->api);
		s->api = xstrdup(v);
	}
	if (s->url == NULL) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "store '%s' has no url (set url in %s, or TKT_API_URL)",
		    s->name, s->where);
		return -1;
	}
	return 0;
}

/* Borrowed: the store named (NULL: default_store or the only one), as configured. */
static struct tkt_store *
find_store(struct tkt_config *c, const char *name, struct tkt_error *err)
{
	struct tkt_buf b;

	if (c->nstores == 0) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "no store configured: set TKT_API_URL and TKT_TOKEN, or add "
		    "a store to %s (see tkt-config(5)); to try tkt on a local "
		    "sandbox, run 'make demo' or start tkt-sandbox -p 0",
		    c->path ? c->path : "~/.config/tkt/config.yaml");
		return NULL;
	}
	if (name == NULL)
		name = c->default_store;
	if (name == NULL && c->nstores > 1) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "%zu stores are configured and no default_store: choose one "
		    "with -s NAME", c->nstores);
		return NULL;
	}
	if (name == NULL)
		return &c->stores[0];
	for (size_t i = 0; i < c->nstores; i++)
		if (strcmp(c->stores[i].name, name) == 0)
			return &c->stores[i];
	tkt_buf_init(&b);
	for (size_t i = 0; i < c->nstores; i++)
		tkt_buf_printf(&b, "%s%s", i ? ", " : "", c->stores[i].name);
	tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
	    "no store named '%s' (configured: %s)", name, b.s);
	tkt_buf_free(&b);
	return NULL;
}

struct tkt_store *
tkt_config_store(struct tkt_config *c, const char *name, struct tkt_error *err)
{
	struct tkt_store *s;

	if (name == NULL && (name = getenv("TKT_STORE")) != NULL && *name == '\0')
		name = NULL;
	if ((s = find_store(c, name, err)) == NULL || apply_env(s, err) == -1)
		return NULL;
	return s;
}

int
tkt_config_stores(struct tkt_config *c, const struct tkt_strs *names,
    struct tkt_store ***out, size_t *nout, struct tkt_error *err)
{
	static const char *over[][2] = { { "TKT_API_URL", "url" },
	    { "TKT_API", "api" }, { "TKT_TOKEN", "token" } };
	struct tkt_strs env = { NULL, 0 }, uniq = { NULL, 0 };
	const struct tkt_strs *l = names;
	struct tkt_store *s;
	const char *v;
	int rc = -1;

	*out = NULL;
	*nout = 0;
	if ((l == NULL || l->n == 0) && (v = getenv("TKT_STORE")) != NULL) {
		tkt_strs_addlist(&env, v);
		l = &env;
	}
	for (size_t i = 0; l != NULL && i < l->n; i++)
		if (!tkt_strs_has(&uniq, l->v[i]))
			tkt_strs_add(&uniq, l->v[i]);
	if (uniq.n <= 1) {
		if ((s = find_store(c, uniq.n ? uniq.v[0] : NULL, err)) == NULL ||
		    apply_env(s, err) == -1)
			goto done;
		*out = xcalloc(1, sizeof(**out));
		(*out)[(*nout)++] = s;
		rc = 0;
		goto done;
	}
	/* Each override is meant for one store: which one would be a guess. */
	for (size_t i = 0; i < sizeof(over) / sizeof(over[0]); i++)
		if ((v = getenv(over[i][0])) != NULL && *v != '\0') {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "%s is set, which replaces one store's %s, and %zu "
			    "stores are chosen: unset it, or choose one store",
			    over[i][0], over[i][1], uniq.n);
			goto done;
		}
	*out = xcalloc(uniq.n, sizeof(**out));
	for (size_t i = 0; i < uniq.n; i++) {
		if ((s = find_store(c, uniq.v[i], err)) == NULL)
			goto done;
		if (s->url == NULL) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "store '%s' has no url (set url in %s)", s->name,
			    s->where);
			goto done;
		}
		(*out)[(*nout)++] = s;
	}
	rc = 0;
done:
	if (rc == -1) {
		free(*out);
		*out = NULL;
		*nout = 0;
	}
	tkt_strs_free(&env);
	tkt_strs_free(&uniq);
	return rc;
}

static char *
trim_token(char *t)
{
	size_t n;

	while (isspace((unsigned char)*t))
		t++;
	n = strlen(t);
	while (n > 0 && isspace((unsigned char)t[n - 1]))
		t[--n] = '\0';
	return t;
}

void
tkt_secrets_guard(void)
{
	static int done;
	struct rlimit no = { 0, 0 };

	if (done)
		return;
	done = 1;
	/* Best effort: a limit that cannot be lowered changes nothing else. */
	(void)setrlimit(RLIMIT_CORE, &no);
#ifdef __linux__
	(void)prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
#endif
}

char *
tkt_secret_file(const char *path, const char *what, struct tkt_error *err)
{
	struct stat st;
	char buf[4096], *out;
	ssize_t n;
	int fd;

	tkt_secrets_guard();
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "%s %s: %s", what, path, strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "%s %s is open to group or others (mode %04o); "
		    "run: chmod 600 %s", what, path,
		    (unsigned)(st.st_mode & 07777), path);
		close(fd);
		return NULL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "%s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	buf[n] = '\0';
	out = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return out;
}

/*
 * The token is the file's first line; a later "expiry_time: TIME" line
 * (oauth.c writes one after a refresh) says when it expires.
 */
int
tkt_token_file_read(const char *path, char **token, time_t *expiry,
    struct tkt_error *err)
{
	char *buf, *nl, *line, *save = NULL;
	time_t t;

	*token = NULL;
	*expiry = 0;
	if ((buf = tkt_secret_file(path, "token file", err)) == NULL)
		return -1;
	if ((nl = strchr(buf, '\n')) != NULL) {
		*nl = '\0';
		for (line = strtok_r(nl + 1, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			if (strncmp(line, "expiry_time:", 12) == 0 &&
			    tkt_time_parse(trim_token(line + 12), &t) == 0)
				*expiry = t;
	}
	*token = xstrdup(trim_token(buf));
	explicit_bzero(buf, strlen(buf));
	free(buf);
	return 0;
}

int
tkt_store_token(struct tkt_store *s, struct tkt_error *err)
{
	const char *v;
	time_t t;

	if (s->token != NULL)
		return 0;
	tkt_secrets_guard();
	if (s->chosen && (v = getenv("TKT_TOKEN")) != NULL && *v != '\0') {
		s->token = xstrdup(v);
	} else if (s->token_env != NULL) {
		if ((v = getenv(s->token_env)) == NULL || *v == '\0') {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "store '%s': token_env names %s, which is not set",
			    s->name, s->token_env);
			return -1;
		}
		s->token = xstrdup(v);
	} else if (s->token_file != NULL) {
		if (tkt_token_file_read(s->token_file, &s->token, &t, err) == -1)
			return -1;
		if (*s->token == '\0') {
			free(s->token);
			s->token = NULL;
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "store '%s': token file %s is empty (the token goes "
			    "on its first line)", s->name, s->token_file);
			return -1;
		}
		if (t > 0)
			s->expiry = t;
		s->token_stored = 1;
	}
	if (s->token == NULL || *s->token == '\0') {
		free(s->token);
		s->token = NULL;
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "store '%s' has no token: set token_file or token_env in the "
		    "config, or TKT_TOKEN", s->name);
		return -1;
	}
	for (const char *p = s->token; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "store '%s': the token has a space or a control "
			    "character", s->name);
			explicit_bzero(s->token, strlen(s->token));
			free(s->token);
			s->token = NULL;
			return -1;
		}
	return 0;
}

/*
 * Is host (n bytes, as the URL has it) a loopback host as tkt-config(5)
 * names them: localhost, [::1], or an IPv4 address in 127.0.0.0/8 written
 * as four decimal parts from 0 to 255, none with a leading zero?  A host
 * that only looks like one (127.1, 127.999999999, 127.0.0.09) is read by
 * resolvers in other ways, or looked up by DNS: it is none.
 */
int
tkt_host_loopback(const char *host, size_t n)
{
	size_t i = 0, k;
	int parts = 0, v;

	if (n == 9 && strncasecmp(host, "localhost", 9) == 0)
		return 1;
	if (n == 5 && memcmp(host, "[::1]", 5) == 0)
		return 1;
	if (n < 4 || memcmp(host, "127.", 4) != 0)
		return 0;
	for (;;) {
		for (k = 0, v = 0; k < 3 && i + k < n &&
		    isdigit((unsigned char)host[i + k]); k++)
			v = v * 10 + (host[i + k] - '0');
		if (k == 0 || v > 255 || (k > 1 && host[i] == '0'))
			return 0;
		i += k;
		if (++parts == 4 || i == n || host[i] != '.')
			break;
		i++;
	}
	return parts == 4 && i == n;
}

int
tkt_origin_check(const char *url, struct tkt_error *err)
{
	const char *p, *host, *hend;
	int https;

	if (strncasecmp(url, "https://", 8) == 0) {
		https = 1;
		host = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		https = 0;
		host = url + 7;
	} else {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "'%s' is not an http or https origin", url);
		return -1;
	}
	if (*host == '[') {
		hend = strchr(host, ']');
		if (hend == NULL)
			goto bad;
		hend++;
	} else {
		hend = host;
		while (*hend != '\0' && *hend != ':' && *hend != '/' &&
		    *hend != '?' && *hend != '#' && *hend != '@')
			hend++;
	}
	if (hend == host)
		goto bad;
	p = hend;
	if (*p == ':') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != '\0') {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "'%s' is not an origin: give scheme://host[:port] with no "
		    "path and no trailing slash (tkt adds /api/v3/…)", url);
		return -1;
	}
	if (!https && !tkt_host_loopback(host, (size_t)(hend - host))) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "'%s': plain http is refused except to loopback; use https",
		    url);
		return -1;
	}
	return 0;
bad:
	tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
	    "'%s' is not a valid origin", url);
	return -1;
}

int
tkt_same_origin(const char *url, const char *origin)
{
	size_t n = strlen(origin);

	if (strncasecmp(url, origin, n) != 0)
		return 0;
	return url[n] == '/' || url[n] == '?' || url[n] == '\0';
}

const char *
tkt_vars_get(const struct tkt_vars *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i].name, name) == 0)
			return v->v[i].value;
	return NULL;
}

void
tkt_vars_set(struct tkt_vars *v, const char *name, const char *value)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i].name, name) == 0) {
			free(v->v[i].value);
			v->v[i].value = xstrdup(value);
			return;
		}
	v->v = xreallocarray(v->v, v->n + 1, sizeof(*v->v));
	v->v[v->n].name = xstrdup(name);
	v->v[v->n].value = xstrdup(value);
	v->n++;
}

void
tkt_vars_free(struct tkt_vars *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].name);
		free(v->v[i].value);
	}
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

/* tkt.h: the parts of an http or https URL. */
int
tkt_url_parse(const char *u, struct tkt_url *p)
{
	const char *s, *q;

	memset(p, 0, sizeof(*p));
	if (strncasecmp(u, "https://", 8) == 0) {
		p->https = 1;
		s = u + 8;
	} else if (strncasecmp(u, "http://", 7) == 0)
		s = u + 7;
	else
		return -1;
	p->host = s;
	while (*s != '\0' && *s != '/' && *s != '?' && *s != '#')
		s++;
	p->hostlen = (size_t)(s - p->host);
	if (p->hostlen == 0 || memchr(p->host, '@', p->hostlen) != NULL)
		return -1;
	p->hlen = p->hostlen;
	if (p->host[0] == '[') {
		q = memchr(p->host, ']', p->hostlen);
		if (q == NULL)
			return -1;
		p->hlen = (size_t)(q + 1 - p->host);
	} else if ((q = memchr(p->host, ':', p->hostlen)) != NULL)
		p->hlen = (size_t)(q - p->host);
	p->path = *s == '/' ? s : "/";
	q = s;
	while (*q != '\0' && *q != '?' && *q != '#')
		q++;
	p->pathlen = *s == '/' ? (size_t)(q - s) : 1;
	p->name = p->path + p->pathlen;
	while (p->name > p->path && p->name[-1] != '/')
		p->name--;
	p->namelen = (size_t)(p->path + p->pathlen - p->name);
	return 0;
}
