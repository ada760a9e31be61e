// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Who may ask gschedd what (gschedd.h): changing guests (suspend, resume)
 * is root's; reading (suspended, status, owners) also the readers group's. */
#include <string.h>
#include "gschedd/gschedd.h"

int gd_request_changes(const char *cmd)
{
	return !strcmp(cmd, "suspend") || !strcmp(cmd, "resume");
}

int gd_control_may(const char *cmd, uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		   gid_t readers)
{
	if (uid == 0)
		return 1;
	if (gd_request_changes(cmd) || readers == (gid_t)-1)
		return 0;
	if (gid == readers)
		return 1;
	for (int i = 0; i < ngroups; i++)
		if (groups[i] == readers)
			return 1;
	return 0;
}
