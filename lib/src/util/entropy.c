/* entropy.c - Shannon entropy of a byte string, in bits per byte: the
 * rules' floor against values that are too regular to be random. */
#include <math.h>
#include <string.h>

#include "internal.h"

double lw_entropy(const unsigned char *data, size_t len)
{
	size_t counts[256] = { 0 };
	double h = 0.0;

	if (len == 0)
		return 0.0;
	for (size_t i = 0; i < len; i++)
		counts[data[i]]++;
	for (int c = 0; c < 256; c++) {
		if (counts[c]) {
			double p = (double)counts[c] / (double)len;
			h -= p * log2(p);
		}
	}
	return h;
}
