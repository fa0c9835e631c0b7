// SPDX-License-Identifier: GPL-2.0
/*
 * The crash lab's test module: on load it breaks the kernel in the way its "mode" parameter
 * names, so that kdump4j's classifier meets real Oops, BUG, warning, GPF and lockup reports.
 * Each fault sits in its own noinline function, the culprit a report must name.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/preempt.h>

static char *mode = "null";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "null | bug | warn | gpf | softlockup");

static noinline void crashlab_null_deref(void)
{
	int *volatile p = NULL;

	*p = 42;
}

static noinline void crashlab_bug(void)
{
	BUG();
}

static noinline void crashlab_warn(void)
{
	WARN(1, "crashlab: a warning on purpose");
}

static noinline void crashlab_gpf(void)
{
	unsigned long *volatile p = (unsigned long *)0xdead000000000100UL;

	*p = 1;
}

static noinline void crashlab_spin(void)
{
	preempt_disable();
	for (;;)
		udelay(1000);
}

static int __init crashlab_init(void)
{
	pr_info("crashlab: mode %s\n", mode);
	if (!strcmp(mode, "null"))
		crashlab_null_deref();
	else if (!strcmp(mode, "bug"))
		crashlab_bug();
	else if (!strcmp(mode, "warn"))
		crashlab_warn();
	else if (!strcmp(mode, "gpf"))
		crashlab_gpf();
	else if (!strcmp(mode, "softlockup"))
		crashlab_spin();
	return 0;
}

static void __exit crashlab_exit(void)
{
}

module_init(crashlab_init);
module_exit(crashlab_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdump4j crash lab: panics on purpose");
