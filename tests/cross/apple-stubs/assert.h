/* Stand-in for the SDK header (see README.md). */
#pragma once
#define assert(x) ((void)0)
