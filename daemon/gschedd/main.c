// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gschedd: the long-running half of gsched. It serves gschedctl's suspend,
 * resume, suspended and status over a control socket, journals every
 * suspension before making it, and never leaves a guest process suspended
 * by its own failure: on SIGTERM it resumes everything it suspended before
 * it exits, and at start-up it resumes what a previous gschedd (killed,
 * crashed) left in the journal; records of VMs or processes that are gone
 * are forgotten. gsched.ko stays loaded while gschedd runs (it holds
 * /dev/gsched open), so a module unload comes after gschedd's exit.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "gschedd/gschedd.h"
#include "lib/ctl.h"

#define STATE_DIR "/var/lib/gsched"
#define EXIT_RELEASE_S 20   /* at exit, how long to keep trying to resume */

static int journal_prefix;

void gd_log(int prio, const char *fmt, ...)
{
	va_list ap;

	/* under systemd, stderr is the journal: "<N>" is the priority */
	if (journal_prefix)
		fprintf(stderr, "<%d>", prio);
	else
		fprintf(stderr, "gschedd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gschedd [--socket PATH] [--state-dir DIR] [--profiles DIR] [--group NAME]\n"
		"               [--observe-ms MS]\n"
		"  --socket PATH     control socket (default $GSCHED_SOCKET or %s)\n"
		"  --state-dir DIR   where the journal of suspensions lives (default %s)\n"
		"  --profiles DIR    guest kernel profiles (default: $GSCHED_PROFILES,\n"
		"                    /etc/gsched/profiles, /usr/share/gsched/profiles)\n"
		"  --group NAME      may read (suspended, status); default: group 'gsched' if it\n"
		"                    exists, else root only. Suspend and resume are root's.\n"
		"  --observe-ms MS   read each VM's process list this often, for the history of\n"
		"                    which process owned which address space (default 1000; 0: never)\n"
		"Stops on SIGTERM or SIGINT after resuming every guest process it suspended.\n",
		GS_CTL_SOCKET, STATE_DIR);
}

static int serve(struct gd *d, int sfd)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = d->listen_fd, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN } };
		int r = poll(p, 2, 1000);

		if (r < 0 && errno != EINTR) {
			gd_log(3, "poll: %s", strerror(errno));
			return 1;
		}
		if (r > 0 && (p[1].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP)
					gd_log(6, "SIGHUP: nothing to reload yet");
				else
					return 0;
			}
		}
		if (r > 0 && (p[0].revents & POLLIN))
			gd_control_serve(d);
		gd_forget_gone(d);
		gd_release_pass(d);
		gd_observe_pass(d);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ "profiles", required_argument, NULL, 'p' },
		{ "group", required_argument, NULL, 'g' },
		{ "observe-ms", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *sock = gs_ctl_path(), *state = STATE_DIR, *group = NULL, *why = NULL;
	char err[1024], path[4096];
	struct gd d = { .readers = (gid_t)-1, .listen_fd = -1, .observe_ms = 1000 };
	char *end;
	unsigned long ms;
	struct group *gr;
	sigset_t set;
	int o, sfd, ret;
	size_t left;

	journal_prefix = getenv("JOURNAL_STREAM") != NULL;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 's': sock = optarg; break;
		case 'd': state = optarg; break;
		case 'p': d.profiles = optarg; break;
		case 'g': group = optarg; break;
		case 'o':
			ms = strtoul(optarg, &end, 10);
			if (!*optarg || *end || ms > 3600000) {
				fprintf(stderr, "gschedd: --observe-ms '%s': a number of milliseconds, 0 to 3600000\n", optarg);
				return 2;
			}
			d.observe_ms = (unsigned)ms;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "gschedd: unexpected '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	gr = getgrnam(group ? group : "gsched");
	if (group && !gr) {
		fprintf(stderr, "gschedd: --group %s: no such group\n", group);
		return 2;
	}
	if (gr)
		d.readers = gr->gr_gid;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		gd_log(3, "signalfd: %s", strerror(errno));
		return 1;
	}
	if (gsched_open(&d.dev, &why) < 0) {
		gd_log(3, "%s", why);
		return 1;
	}
	if (mkdir(state, 0700) && errno != EEXIST) {
		gd_log(3, "%s: %s", state, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/suspended.jsonl", state);
	if (gs_journal_load(&d.j, path, err, sizeof(err))) {
		gd_log(3, "journal: %s (move it aside to start without it; what it names stays suspended)", err);
		return 1;
	}
	d.started = (uint64_t)time(NULL);
	if (d.j.n) {
		/* a previous gschedd died with these suspended: no policy holds
		 * them now, so they go on */
		gd_log(5, "journal %s: %zu thread(s) left suspended by a previous gschedd: resuming them",
		       path, d.j.n);
		gd_release_all(&d);
		left = gd_release_pass(&d);
		if (left)
			gd_log(4, "%zu thread(s) not resumed yet: retrying every second", left);
	}
	if (gd_control_listen(&d, sock, err, sizeof(err))) {
		gd_log(3, "control socket: %s", err);
		return 1;
	}
	gd_log(6, "listening on %s (gsched.ko ABI %u.%u, journal %s)", sock, d.dev.version.major,
	       d.dev.version.minor, path);
	ret = serve(&d, sfd);
	close(d.listen_fd);
	unlink(sock);
	gd_release_all(&d);
	for (int i = 0; i < EXIT_RELEASE_S * 5 && (left = gd_release_pass(&d)); i++)
		usleep(200000);
	if (d.j.n) {
		gd_log(3, "exiting with %zu thread(s) still suspended (in %s; the next gschedd resumes them)",
		       d.j.n, path);
		ret = 1;
	} else {
		gd_log(6, "stopped; nothing left suspended");
	}
	gd_vms_free(&d);
	gs_journal_free(&d.j);
	gsched_close(&d.dev);
	return ret;
}
