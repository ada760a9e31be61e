// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Aligned text tables: collect rows of strings, print with column widths. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"

struct table {
	int ncols;
	size_t nrows, cap;
	char **cells;          /* (nrows + 1) * ncols, row 0 = headers */
};

static void table_push(struct table *t, char *const *row)
{
	if (t->nrows + 1 >= t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = realloc(t->cells, t->cap * t->ncols * sizeof(char *));
		if (!t->cells) {
			perror("gschedctl");
			exit(1);
		}
	}
	for (int i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = strdup(row[i] ? row[i] : "");
	t->nrows++;
}

struct table *table_new(const char *const *headers, int ncols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t) {
		perror("gschedctl");
		exit(1);
	}
	t->ncols = ncols;
	table_push(t, (char *const *)headers);
	return t;
}

void table_row(struct table *t, ...)
{
	char *row[16];
	va_list ap;

	va_start(ap, t);
	for (int i = 0; i < t->ncols && i < 16; i++)
		row[i] = va_arg(ap, char *);
	va_end(ap);
	table_push(t, row);
}

void table_print(struct table *t)
{
	size_t w[16] = { 0 };

	for (size_t r = 0; r < t->nrows; r++)
		for (int i = 0; i < t->ncols; i++) {
			size_t l = strlen(t->cells[r * t->ncols + i]);

			if (l > w[i])
				w[i] = l;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (int i = 0; i < t->ncols; i++) {
			char *s = t->cells[r * t->ncols + i];

			printf(i + 1 < t->ncols ? "%-*s  " : "%-*s\n",
			       i + 1 < t->ncols ? (int)w[i] : 0, s);
			free(s);
		}
	}
	free(t->cells);
	free(t);
}
