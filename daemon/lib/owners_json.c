// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The history of root owners (lib/owners.h) as gschedd sends it to
 * gschedctl ps over the control socket, and back. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/jsonhex.h"
#include "lib/owners.h"
#include "lib/owners_json.h"

struct json_object *gs_owners_json(const struct gs_owners *h)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();

	json_object_object_add(o, "observations", json_object_new_uint64(h->observations));
	for (size_t i = 0; i < h->n; i++) {
		const struct gs_owner *r = &h->r[i];
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "root", gs_json_hex(r->root));
		json_object_object_add(e, "tgid", json_object_new_int(r->tgid));
		json_object_object_add(e, "start_ns", json_object_new_uint64(r->start));
		json_object_object_add(e, "base_ns", json_object_new_int64(r->base_ns));
		json_object_object_add(e, "last_ns", json_object_new_uint64(r->last_ns));
		json_object_object_add(e, "basis", json_object_new_string(gs_own_basis_name(r->basis)));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "owners", arr);
	return o;
}

static int get(struct json_object *o, const char *k, json_type t, struct json_object **v)
{
	return json_object_object_get_ex(o, k, v) && json_object_is_type(*v, t) ? 0 : -1;
}

static int by_root(const void *a, const void *b)
{
	const struct gs_owner *x = a, *y = b;

	return x->root < y->root ? -1 : x->root > y->root;
}

int gs_owners_from_json(struct json_object *o, struct gs_owners *h, char *err, size_t errlen)
{
	struct json_object *arr, *v;
	size_t n;

	memset(h, 0, sizeof(*h));
	if (get(o, "observations", json_type_int, &v) || get(o, "owners", json_type_array, &arr)) {
		snprintf(err, errlen, "history: needs \"observations\" and \"owners\"");
		return -EINVAL;
	}
	h->observations = json_object_get_uint64(v);
	n = json_object_array_length(arr);
	h->r = calloc(n + 1, sizeof(*h->r));
	if (!h->r)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i), *root, *tgid, *start, *base,
				   *last, *basis;
		struct gs_owner *r = &h->r[i];
		const char *b;

		if (get(e, "root", json_type_string, &root) || get(e, "tgid", json_type_int, &tgid) ||
		    get(e, "start_ns", json_type_int, &start) || get(e, "base_ns", json_type_int, &base) ||
		    get(e, "last_ns", json_type_int, &last) || get(e, "basis", json_type_string, &basis) ||
		    sscanf(json_object_get_string(root), "0x%" SCNx64, &r->root) != 1) {
			snprintf(err, errlen, "history: owner %zu malformed", i);
			gs_owners_free(h);
			return -EINVAL;
		}
		r->tgid = json_object_get_int(tgid);
		r->start = json_object_get_uint64(start);
		r->base_ns = json_object_get_int64(base);
		r->last_ns = json_object_get_uint64(last);
		b = json_object_get_string(basis);
		for (r->basis = 0; r->basis < 4 && strcmp(b, gs_own_basis_name(r->basis)); r->basis++)
			;
		if (r->basis == 4)
			r->basis = GS_OWN_ROOT;
	}
	h->n = n;
	qsort(h->r, n, sizeof(*h->r), by_root);
	return 0;
}
