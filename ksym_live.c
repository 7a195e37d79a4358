// SPDX-License-Identifier: GPL-2.0
/*
 * One run: the stages of ksym_live.h in order, each timed, with one exit.
 * A stage returns 0 to go on, KSYM_STOP when its findings end the run, or
 * a negative errno when the run cannot be done at all.
 */
#include <linux/ktime.h>
#include <linux/slab.h>

#include "ksym_live.h"

#define KSYM_STOP	1

typedef int (*ksym_stage_fn)(struct ksym_live *lv);

/* Run @stage and add the time it took to *@ns. */
static int timed(struct ksym_live *lv, ksym_stage_fn stage, u64 *ns)
{
	u64 t0 = ktime_get_ns();
	int ret = stage(lv);

	*ns += ktime_get_ns() - t0;
	return ret;
}

static int stage_kernel(struct ksym_live *lv)
{
	lv->found.max = lv->max_mismatches;
	lv->found.mm = kcalloc(lv->max_mismatches, sizeof(*lv->found.mm),
			       GFP_KERNEL);
	if (!lv->found.mm)
		return -ENOMEM;
	return ksym_find_kernel(&lv->kernel);
}

static int stage_locate(struct ksym_live *lv)
{
	int ret = ksym_locate(&lv->loc, &lv->kernel, lv->params, lv->paths,
			      &lv->found);

	return ret == -EINVAL ? ret : ret ? KSYM_STOP : 0;
}

static int stage_decode(struct ksym_live *lv)
{
	int ret = ksym_snapshot_take(&lv->snap, &lv->loc, lv->corrupt,
				     &lv->found);

	return ret == -ENOMEM ? ret : ret ? KSYM_STOP : 0;
}

static int stage_name_to_addr(struct ksym_live *lv)
{
	return ksym_check_name_to_addr(&lv->kernel, lv->snap.kt, &lv->found,
				       &lv->check);
}

static int stage_addr_to_name(struct ksym_live *lv)
{
	return ksym_check_addr_to_name(&lv->kernel, lv->snap.kt, &lv->found);
}

static int stage_order(struct ksym_live *lv)
{
	return ksym_check_order(&lv->kernel, lv->snap.kt, &lv->found,
				&lv->check);
}

int ksym_live_run(struct ksym_live *lv)
{
	u64 unused = 0;
	int err;

	err = timed(lv, stage_kernel, &unused);
	err = err ?: timed(lv, stage_locate, &lv->ns.locate);
	err = err ?: timed(lv, stage_decode, &lv->ns.decode);
	err = err ?: timed(lv, stage_name_to_addr, &lv->ns.name);
	err = err ?: timed(lv, stage_addr_to_name, &lv->ns.addr);
	err = err ?: timed(lv, stage_order, &lv->ns.order);
	return err == KSYM_STOP ? 0 : err;
}

u64 ksym_live_failures(const struct ksym_live *lv)
{
	return ksym_findings_failures(&lv->found);
}

bool ksym_live_pass(const struct ksym_live *lv)
{
	return lv->snap.decoded && !ksym_live_failures(lv);
}

void ksym_live_free(struct ksym_live *lv)
{
	ksym_snapshot_free(&lv->snap);
	kfree(lv->found.mm);
	lv->found.mm = NULL;
}
