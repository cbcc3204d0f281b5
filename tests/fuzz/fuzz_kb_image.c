/* SPDX-License-Identifier: MIT */
/*
 * The built-in index that search/db.c expects, empty: the fuzz targets
 * open their index with db_open_image() instead.
 */
#include <stddef.h>

extern const unsigned char kb_image[];
extern const size_t kb_image_size;

const unsigned char kb_image[1] = { 0 };
const size_t kb_image_size = 0;
