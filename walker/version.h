/* version: the walker's version, part of the rule digest (a new version
 * invalidates caches). */
#ifndef VERSION_H
#define VERSION_H

#define WALKER_VERSION "0.1.0"

#endif
