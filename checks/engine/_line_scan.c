/* One memchr pass over a block of log lines: how many newlines it holds, and where the
 * lines exactly `width` bytes long end; the glued texts of those lines' events; the
 * lines a tool prefix or a box border starts; whether a block holds noise bytes; and
 * which of normalize.STEPS' triggers a line holds.
 * checks/engine/line_scan.py says why, and holds the pure-Python equivalents, used when
 * this module was not built. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static int prefixed_or_boxed(const unsigned char *s, Py_ssize_t n, int pipes);
static Py_ssize_t body_start(const unsigned char *s, Py_ssize_t n);
static int holds_noise(const unsigned char *s, Py_ssize_t n);

static int
append_offset(PyObject *list, Py_ssize_t offset)
{
    PyObject *item = PyLong_FromSsize_t(offset);
    if (item == NULL || PyList_Append(list, item) < 0) {
        Py_XDECREF(item);
        return -1;
    }
    Py_DECREF(item);
    return 0;
}

/* The line buf[line:at] is read: its end goes in `ends` if it is `width` long, and in
 * `prefixed` (when wanted) if the grouping may rewrite it (prefixed_or_boxed). */
static int
line_ended(PyObject *ends, PyObject *prefixed, const unsigned char *buf, Py_ssize_t line, Py_ssize_t at,
           Py_ssize_t width, int want_prefixed, int pipes)
{
    if (at - line == width && append_offset(ends, at) < 0)
        return -1;
    if (want_prefixed && prefixed_or_boxed(buf + line, at - line, pipes) && append_offset(prefixed, at) < 0)
        return -1;
    return 0;
}

/* scan() and scan_clean(): with `clean`, None as soon as buf[lo:hi] turns out to hold a
 * byte normalize.remove_noise deletes (ESC, CR, NUL), found in the same 64-byte steps as
 * the newlines: the bulk path then needs no pass of noisy() of its own over the block.
 * With `longer` (>= 0) the answer ends with how many lines are longer than that: the
 * lines the engine matches only the head of (normalize.MAX_LINE), which diagnose reports;
 * one compare a line, without a branch. */
static PyObject *
scan_impl(PyObject *args, int clean)
{
    Py_buffer view;
    Py_ssize_t lo, hi, width;
    Py_ssize_t longer = -1;
    int want_prefixed = 0;
    if (!PyArg_ParseTuple(args, "y*nnn|pn", &view, &lo, &hi, &width, &want_prefixed, &longer))
        return NULL;
    const Py_ssize_t limit = longer < 0 ? PY_SSIZE_T_MAX : longer;
    if (lo < 0) lo = 0;
    if (hi > view.len) hi = view.len;
    PyObject *ends = PyList_New(0), *prefixed = PyList_New(0);
    if (ends == NULL || prefixed == NULL)
        goto fail;
    const unsigned char *buf = view.buf;
    Py_ssize_t count = 0, line = lo, from = lo;  /* the line's start; where its newline is looked for */
    Py_ssize_t longs = 0;  /* lines longer than `limit` */
#if defined(__SSE2__) && defined(__GNUC__)
    /* the newlines of 64 bytes at a time as one bit mask: one memchr call a line costs
     * more than the line's bytes (~11 against ~8 ms on bench_diagnose's 111 MB log) */
    const __m128i lf = _mm_set1_epi8('\n'), bar = _mm_set1_epi8('|');
    const __m128i esc = _mm_set1_epi8(0x1b), cr = _mm_set1_epi8('\r'), nul = _mm_setzero_si128();
    Py_ssize_t last_bar = -1;  /* where the last '|' before `from` is */
    for (; from + 64 <= hi; from += 64) {
        const __m128i *at = (const __m128i *)(buf + from);
        __m128i a = _mm_loadu_si128(at), b = _mm_loadu_si128(at + 1);
        __m128i c = _mm_loadu_si128(at + 2), d = _mm_loadu_si128(at + 3);
        if (clean) {
#define NOISE_IN(v) _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, esc), _mm_cmpeq_epi8(v, cr)), _mm_cmpeq_epi8(v, nul))
            if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(NOISE_IN(a), NOISE_IN(b)),
                                               _mm_or_si128(NOISE_IN(c), NOISE_IN(d)))))
                goto noise;
#undef NOISE_IN
        }
        unsigned long long mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, lf))
            | (unsigned long long)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, lf)) << 16
            | (unsigned long long)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, lf)) << 32
            | (unsigned long long)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(d, lf)) << 48;
        unsigned long long bars = 0;
        if (want_prefixed)
            bars = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, bar))
                | (unsigned long long)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, bar)) << 16
                | (unsigned long long)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, bar)) << 32
                | (unsigned long long)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(d, bar)) << 48;
        for (; mask; mask &= mask - 1) {
            int k = __builtin_ctzll(mask);
            Py_ssize_t nl = from + k;
            unsigned long long before = bars & ((1ULL << k) - 1);
            Py_ssize_t last = before ? from + 63 - __builtin_clzll(before) : last_bar;
            if (line_ended(ends, prefixed, buf, line, nl, width, want_prefixed, last >= line) < 0)
                goto fail;
            longs += nl - line > limit;
            count++;
            line = nl + 1;
        }
        if (bars)
            last_bar = from + 63 - __builtin_clzll(bars);
    }
#endif
    if (clean && hi > from && holds_noise(buf + from, hi - from))
        goto noise;
    while (line < hi) {
        const unsigned char *nl = memchr(buf + from, '\n', (size_t)(hi - from));
        Py_ssize_t at = nl ? nl - buf : hi;  /* the last line may lack its newline */
        if (line_ended(ends, prefixed, buf, line, at, width, want_prefixed, 1) < 0)
            goto fail;
        longs += at - line > limit;
        if (!nl)
            break;
        count++;
        line = from = at + 1;
    }
    PyBuffer_Release(&view);
    if (want_prefixed)
        return longer < 0 ? Py_BuildValue("nNN", count, ends, prefixed)
                          : Py_BuildValue("nNNn", count, ends, prefixed, longs);
    Py_DECREF(prefixed);
    return longer < 0 ? Py_BuildValue("nN", count, ends) : Py_BuildValue("nNn", count, ends, longs);
noise:  /* (only with `clean`) */
    Py_XDECREF(ends);
    Py_XDECREF(prefixed);
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
fail:
    Py_XDECREF(ends);
    Py_XDECREF(prefixed);
    PyBuffer_Release(&view);
    return NULL;
}

static PyObject *
scan(PyObject *module, PyObject *args)
{
    return scan_impl(args, 0);
}

static PyObject *
scan_clean(PyObject *module, PyObject *args)
{
    return scan_impl(args, 1);
}

/* memchr from `from` (which may lie past the end) for a newline; `size` when none. */
static Py_ssize_t
next_newline(const char *buf, Py_ssize_t from, Py_ssize_t size)
{
    if (from >= size)
        return size;
    const char *nl = memchr(buf + from, '\n', (size_t)(size - from));
    return nl ? nl - buf : size;
}

/* A run's lines as its event holds them: the first cut line, then each line joined after
 * a cut line (the run's other lines and the line after it) as grouping.split's body
 * (grouping.Grouper appends the body: a tool prefix is dropped). Written at `at` when it is
 * not NULL; answers its length, or -1 when no line of the run loses a prefix (then the
 * glued text need not hold it). */
static Py_ssize_t
joined_run(const char *buf, Py_ssize_t first, Py_ssize_t last, Py_ssize_t nl, Py_ssize_t width, char *at)
{
    const unsigned char *u = (const unsigned char *)buf;
    Py_ssize_t total = width + 1, cut = 0;
    for (Py_ssize_t piece = first + 1; piece <= nl; piece += width + 1) {  /* C2..Ck, then the line after */
        Py_ssize_t length = piece == last + 1 ? nl - piece : width;
        Py_ssize_t skip = body_start(u + piece, length);
        cut |= skip;
        if (at != NULL) {
            memcpy(at + total, buf + piece + skip, length - skip);
            at[total + length - skip] = '\n';
        }
        total += length - skip + 1;
        if (piece == last + 1)
            break;
    }
    if (!cut)
        return -1;
    if (at != NULL) {
        memcpy(at, buf + first - width, width);
        at[width] = '\n';
    }
    return total;
}

static PyObject *
glue(PyObject *module, PyObject *args)
{
    Py_buffer view;
    PyObject *cuts;
    Py_ssize_t end, width;
    if (!PyArg_ParseTuple(args, "y*O!nn", &view, &PyList_Type, &cuts, &end, &width))
        return NULL;
    const char *buf = view.buf;
    Py_ssize_t size = view.len, count = PyList_GET_SIZE(cuts), runs = 0, total = 0;
    Py_ssize_t *spec = PyMem_Malloc(sizeof(Py_ssize_t) * 5 * (count ? count : 1));
    PyObject *joined = NULL, *ends = NULL, *firsts = NULL, *result = NULL;
    if (spec == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < count;) {
        Py_ssize_t first = PyLong_AsSsize_t(PyList_GET_ITEM(cuts, i)), last = first;
        if (first == -1 && PyErr_Occurred())
            goto done;
        for (i++; i < count; i++) {  /* the next line is cut too */
            Py_ssize_t cut = PyLong_AsSsize_t(PyList_GET_ITEM(cuts, i));
            if (cut != last + width + 1)
                break;
            last = cut;
        }
        if (first - width >= end)
            break;
        if (first < width || last > size) {
            PyErr_SetString(PyExc_ValueError, "a cut line outside the buffer");
            goto done;
        }
        Py_ssize_t nl = next_newline(buf, last + 1, size);
        Py_ssize_t after = next_newline(buf, nl + 1, size);
        Py_ssize_t line = nl > last + 1 ? nl - last - 1 : 0;
        Py_ssize_t tail = after > nl + 1 ? after - nl - 1 : 0;
        Py_ssize_t run = ((last - first) / (width + 1) + 1) * width;
        Py_ssize_t rewritten = joined_run(buf, first, last, last + 1 + line, width, NULL);
        spec[5 * runs] = first;
        spec[5 * runs + 1] = last;
        spec[5 * runs + 2] = nl;
        spec[5 * runs + 3] = after;
        spec[5 * runs + 4] = rewritten;
        runs++;
        total += (rewritten < 0 ? line + 1 : rewritten) + line + run + tail + 2;
    }
    joined = PyBytes_FromStringAndSize(NULL, total);
    ends = PyList_New(runs);
    firsts = PyList_New(runs);
    if (joined == NULL || ends == NULL || firsts == NULL)
        goto done;
    char *out = PyBytes_AS_STRING(joined), *at = out;
    for (Py_ssize_t r = 0; r < runs; r++) {
        Py_ssize_t first = spec[5 * r], last = spec[5 * r + 1], nl = spec[5 * r + 2], after = spec[5 * r + 3];
        Py_ssize_t line = nl > last + 1 ? nl - last - 1 : 0;
        Py_ssize_t tail = after > nl + 1 ? after - nl - 1 : 0;
        if (spec[5 * r + 4] < 0) {
            memcpy(at, buf + last + 1, line);  /* the line after the run */
            at += line;
            *at++ = '\n';
        } else  /* the run's lines and the line after it as the event holds them */
            at += joined_run(buf, first, last, last + 1 + line, width, at);
        for (Py_ssize_t piece = first - width; piece < last; piece += width + 1) {  /* the glued line */
            memcpy(at, buf + piece, width);
            at += width;
        }
        memcpy(at, buf + last + 1, line);
        at += line;
        *at++ = '\n';
        memcpy(at, buf + nl + 1, tail);  /* and the line after that */
        at += tail;
        *at++ = '\n';
        PyObject *where = PyLong_FromSsize_t(at - out), *cut = PyLong_FromSsize_t(first);
        if (where == NULL || cut == NULL) {
            Py_XDECREF(where);
            Py_XDECREF(cut);
            goto done;
        }
        PyList_SET_ITEM(ends, r, where);
        PyList_SET_ITEM(firsts, r, cut);
    }
    result = Py_BuildValue("OOO", joined, ends, firsts);
done:
    Py_XDECREF(joined);
    Py_XDECREF(ends);
    Py_XDECREF(firsts);
    PyMem_Free(spec);
    PyBuffer_Release(&view);
    return result;
}

/* ---- whether a block holds a byte normalize.REMOVAL_TRIGGERS deletes (ESC, CR, NUL):
 * one pass for the three, 64 bytes a step where SSE2 is (every x86-64), instead of three
 * `in` tests, each a pass of its own over the whole block. */

static int
holds_noise(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
#ifdef __SSE2__
    const __m128i esc = _mm_set1_epi8(0x1b), cr = _mm_set1_epi8('\r'), nul = _mm_setzero_si128();
#define NOISE_IN(v) _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, esc), _mm_cmpeq_epi8(v, cr)), _mm_cmpeq_epi8(v, nul))
    for (; i + 64 <= n; i += 64) {
        __m128i a = _mm_loadu_si128((const __m128i *)(s + i)), b = _mm_loadu_si128((const __m128i *)(s + i + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(s + i + 32)), d = _mm_loadu_si128((const __m128i *)(s + i + 48));
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(NOISE_IN(a), NOISE_IN(b)), _mm_or_si128(NOISE_IN(c), NOISE_IN(d)))))
            return 1;
    }
#undef NOISE_IN
#endif
    for (; i < n; i++)
        if (s[i] == 0x1b || s[i] == '\r' || s[i] == 0)
            return 1;
    return 0;
}

static PyObject *
noisy(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    int found = holds_noise(view.buf, view.len);
    PyBuffer_Release(&view);
    return PyBool_FromLong(found);
}

/* ---- which of a set of byte strings occur in a buffer (normalize.damage: the paste-damage
 * and noise triggers of normalize.STEPS). normalise() asks it of every line it is given, and
 * the bulk path's sync-point walks give it every line they look at: in Python that is one
 * `in` test a trigger (a pass of its own over the line each, ~20 of them); here one pass
 * over the line tests only the triggers whose first byte stands at each position. */

#define MAX_TRIGGERS 64
#define TRIGGERS_BY_MEMMEM 4096  /* bytes of data from which each trigger is looked for with memmem */

typedef struct {
    PyObject_HEAD
    Py_ssize_t count;
    PyObject *triggers;                    /* the tuple of bytes given: keeps them alive */
    const unsigned char *text[MAX_TRIGGERS];
    Py_ssize_t length[MAX_TRIGGERS];
    unsigned long long first[256];         /* the triggers starting with each byte, as bits */
    PyObject *index[MAX_TRIGGERS];         /* the ints answered, made once */
} Triggers;

static PyTypeObject TriggersType;

static PyObject *
triggers_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *given;
    if (!PyArg_ParseTuple(args, "O!:Triggers", &PyTuple_Type, &given))
        return NULL;
    Py_ssize_t count = PyTuple_GET_SIZE(given);
    if (count > MAX_TRIGGERS) {
        PyErr_SetString(PyExc_ValueError, "at most 64 triggers");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < count; i++)
        if (!PyBytes_Check(PyTuple_GET_ITEM(given, i)) || PyBytes_GET_SIZE(PyTuple_GET_ITEM(given, i)) == 0) {
            PyErr_SetString(PyExc_TypeError, "triggers must be non-empty bytes");
            return NULL;
        }
    Triggers *self = (Triggers *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->count = count;
    self->triggers = Py_NewRef(given);
    memset(self->first, 0, sizeof(self->first));
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *trigger = PyTuple_GET_ITEM(given, i);
        self->text[i] = (const unsigned char *)PyBytes_AS_STRING(trigger);
        self->length[i] = PyBytes_GET_SIZE(trigger);
        self->first[self->text[i][0]] |= 1ULL << i;
        self->index[i] = PyLong_FromSsize_t(i);
        if (self->index[i] == NULL) {
            self->count = i;
            Py_DECREF(self);
            return NULL;
        }
    }
    return (PyObject *)self;
}

static void
triggers_dealloc(Triggers *self)
{
    for (Py_ssize_t i = 0; i < self->count; i++)
        Py_XDECREF(self->index[i]);
    Py_XDECREF(self->triggers);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Triggers.present(data) -> the indices of the triggers that occur in data, ascending */
static PyObject *
triggers_present(Triggers *self, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    const unsigned char *s = view.buf;
    const Py_ssize_t n = view.len;
    const unsigned long long all = self->count == 64 ? ~0ULL : (1ULL << self->count) - 1;
    unsigned long long found = 0;
    if (n >= TRIGGERS_BY_MEMMEM) {
        /* a long line (up to normalize.RAW_MAX_LINE): one memmem a trigger, as Python's
         * `in` does; the pass below would test every '&' of a line made of them against
         * each of the dozen entities */
        for (Py_ssize_t t = 0; t < self->count; t++)
            if (memmem(s, (size_t)n, self->text[t], (size_t)self->length[t]) != NULL)
                found |= 1ULL << t;
    } else {
        for (Py_ssize_t i = 0; i < n && found != all; i++) {
            unsigned long long maybe = self->first[s[i]] & ~found;
            for (; maybe; maybe &= maybe - 1) {
                int t = __builtin_ctzll(maybe);
                Py_ssize_t length = self->length[t];
                if (length <= n - i && (length == 1 || s[i + 1] == self->text[t][1])
                        && memcmp(s + i, self->text[t], (size_t)length) == 0)
                    found |= 1ULL << t;
            }
        }
    }
    PyBuffer_Release(&view);
    PyObject *result = PyList_New(0);
    if (result == NULL)
        return NULL;
    for (; found; found &= found - 1)
        if (PyList_Append(result, self->index[__builtin_ctzll(found)]) < 0) {
            Py_DECREF(result);
            return NULL;
        }
    return result;
}

static PyMethodDef triggers_methods[] = {
    {"present", (PyCFunction)triggers_present, METH_O,
     "present(data) -> [indices of the triggers occurring in data], ascending"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TriggersType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "checks.engine._line_scan.Triggers",
    .tp_basicsize = sizeof(Triggers),
    .tp_dealloc = (destructor)triggers_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Triggers(tuple of bytes): present(data) answers which of them occur in data.",
    .tp_methods = triggers_methods,
    .tp_new = triggers_new,
};

/* ---- lines a tool prefix before indentation or a box border starts (line_scan.scan_lines):
 * exactly the lines where grouping.PREFIXED_OR_BOXED, anchored at the line start and
 * case-sensitive, matches; neither can reach across a newline. */

static int
ws(const unsigned char *s, Py_ssize_t at, Py_ssize_t n)
{
    return at < n && (s[at] == ' ' || s[at] == '\t');
}

static int
is_digit(const unsigned char *s, Py_ssize_t at, Py_ssize_t n)
{
    return at < n && s[at] >= '0' && s[at] <= '9';
}

static int
are_digits(const unsigned char *s, Py_ssize_t at, Py_ssize_t n, int count)
{
    for (int i = 0; i < count; i++)
        if (!is_digit(s, at + i, n))
            return 0;
    return 1;
}

static int
is_word(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_space(unsigned char c)  /* \s: space, \t, \n, \v, \f, \r */
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* [\w.-], the docker compose service name: a table, as most lines start with such a run */
static unsigned char compose_name[256];

static int prefix_at(const unsigned char *s, Py_ssize_t p, Py_ssize_t n, int depth, int after_quotes, int pipes);

/* Set when a first prefix matched (after_prefix called at depth 1), whatever follows it:
 * grouping.split then finds a prefix (grouping.PREFIX, `{1,2}`, needs one). Each test of
 * a line clears it first; the module runs under the GIL, one test at a time. */
static int prefix_seen;

/* A prefix of the line ended at `e`: the pattern matches if a space or tab follows, or
 * (first of two) a second prefix and then one. */
static int
after_prefix(const unsigned char *s, Py_ssize_t e, Py_ssize_t n, int depth, int quotes, int pipes)
{
    if (depth == 1)
        prefix_seen = 1;
    return ws(s, e, n) || (depth == 1 && prefix_at(s, e, n, 2, quotes, pipes));
}

/* Whether s[0:n] holds grouping._PG_SECONDARY, `(?:DETAIL|HINT|CONTEXT|STATEMENT|QUERY):\s`,
 * anywhere (the grouping looks in a line's first 200 bytes after its prefix: this is more) */
static int
label_at(const unsigned char *s, Py_ssize_t n, Py_ssize_t at)  /* s[at] is ':' */
{
    static const char *const labels[] = {"DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY"};
    static const Py_ssize_t lengths[] = {6, 4, 7, 9, 5};
    if (at + 1 >= n || !is_space(s[at + 1]))
        return 0;
    for (int i = 0; i < 5; i++)
        if (at >= lengths[i] && memcmp(s + at - lengths[i], labels[i], (size_t)lengths[i]) == 0)
            return 1;
    return 0;
}

static int
pg_secondary(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t i = 4;  /* the shortest label, HINT, ends there */
#ifdef __SSE2__
    /* a kubectl --timestamps log asks this of every line: its colons 32 bytes a step, each
     * looked at only after a label's last letter (L, T, Y) */
    const __m128i colon = _mm_set1_epi8(':');
    for (; i + 32 <= n; i += 32) {
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i)), colon))
            | (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i + 16)), colon)) << 16;
        for (; m; m &= m - 1) {
            Py_ssize_t at = i + __builtin_ctz(m);
            unsigned char last = s[at - 1];
            if ((last == 'L' || last == 'T' || last == 'Y') && label_at(s, n, at))
                return 1;
        }
    }
#endif
    for (; i < n; i++)
        if (s[i] == ':' && label_at(s, n, i))
            return 1;
    return 0;
}

/* Where kubectl --timestamps' prefix \d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:?\d\d)?\x20 ends
 * (after its space) when it starts at s[p], else -1. */
static Py_ssize_t
timestamp_end(const unsigned char *s, Py_ssize_t p, Py_ssize_t n)
{
    Py_ssize_t q;
    if (!(are_digits(s, p, n, 4) && p + 10 < n && s[p + 4] == '-' && are_digits(s, p + 5, n, 2) && s[p + 7] == '-'
            && are_digits(s, p + 8, n, 2) && s[p + 10] == 'T'))
        return -1;
    q = p + 11;
    while (q < n && (is_digit(s, q, n) || s[q] == ':' || s[q] == '.'))
        q++;
    if (q == p + 11 || q >= n)
        return -1;
    if (s[q] == 'Z')
        q++;
    else if (s[q] == '+' || s[q] == '-') {
        if (!are_digits(s, q + 1, n, 2))
            return -1;
        q += 3;
        if (q < n && s[q] == ':')
            q++;
        if (!are_digits(s, q, n, 2))
            return -1;
        q += 2;
    }
    return q < n && s[q] == ' ' ? q + 1 : -1;
}

/* Where journald's prefix [A-Z][a-z]{2}\x20[\x20\d]\d\x20\d\d:\d\d:\d\d\x20[^\s:]+\x20[^\s:\[]+(?:\[\d+\])?:\x20
 * ends (after its space) when it starts at s[p], else -1. */
static Py_ssize_t
journald_end(const unsigned char *s, Py_ssize_t p, Py_ssize_t n)
{
    Py_ssize_t q, unit;
    unsigned char c = p < n ? s[p] : 0;
    if (!(c >= 'A' && c <= 'Z' && p + 16 < n && s[p + 1] >= 'a' && s[p + 1] <= 'z' && s[p + 2] >= 'a'
            && s[p + 2] <= 'z' && s[p + 3] == ' ' && (s[p + 4] == ' ' || is_digit(s, p + 4, n)) && is_digit(s, p + 5, n)
            && s[p + 6] == ' ' && are_digits(s, p + 7, n, 2) && s[p + 9] == ':' && are_digits(s, p + 10, n, 2)
            && s[p + 12] == ':' && are_digits(s, p + 13, n, 2) && s[p + 15] == ' '))
        return -1;
    q = p + 16;
    while (q < n && s[q] != ':' && !is_space(s[q]))
        q++;
    if (!(q > p + 16 && q < n && s[q] == ' '))
        return -1;
    unit = ++q;
    while (q < n && s[q] != ':' && s[q] != '[' && !is_space(s[q]))
        q++;
    if (q > unit && q < n && s[q] == '[') {
        Py_ssize_t pid = ++q;
        while (is_digit(s, q, n))
            q++;
        if (!(q > pid && q < n && s[q] == ']'))
            return -1;
        q++;
    }
    return q > unit && q + 1 < n && s[q] == ':' && s[q + 1] == ' ' ? q + 2 : -1;
}

/* Whether grouping.PREFIX_ALTERNATIVES, once or twice, then [\x20\t], match at s[p:n]
 * (depth 1: the first prefix). Each alternative but the quote marks and the gutter has
 * one end at most: its runs stop only where what must follow cannot be in them. */
static int
prefix_at(const unsigned char *s, Py_ssize_t p, Py_ssize_t n, int depth, int after_quotes, int pipes)
{
    Py_ssize_t q;
    if (p >= n)
        return 0;
    unsigned char c = s[p];
    /* \d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:?\d\d)?\x20 (kubectl --timestamps) */
    q = timestamp_end(s, p, n);
    if (q >= 0 && after_prefix(s, q, n, depth, 0, pipes))
        return 1;
    /* \[pod/[^\]\s]+\]\x20 (kubectl --prefix) */
    if (c == '[' && p + 5 < n && memcmp(s + p, "[pod/", 5) == 0) {
        q = p + 5;
        while (q < n && s[q] != ']' && !is_space(s[q]))
            q++;
        if (q > p + 5 && q + 1 < n && s[q] == ']' && s[q + 1] == ' ' && after_prefix(s, q + 2, n, depth, 0, pipes))
            return 1;
    }
    /* [A-Z][a-z]{2}\x20[\x20\d]\d\x20\d\d:\d\d:\d\d\x20[^\s:]+\x20[^\s:\[]+(?:\[\d+\])?:\x20 (journald) */
    q = journald_end(s, p, n);
    if (q >= 0 && after_prefix(s, q, n, depth, 0, pipes))
        return 1;
    /* [\w.-]+\x20*\|\x20 (docker compose); few lines hold a bar at all, and one memchr
     * says so sooner than the run of name bytes most lines start with */
    if (pipes && compose_name[c] && memchr(s + p, '|', (size_t)(n - p)) != NULL) {
        q = p;
        while (q < n && compose_name[s[q]])
            q++;
        while (q < n && s[q] == ' ')
            q++;
        if (q + 1 < n && s[q] == '|' && s[q + 1] == ' ' && after_prefix(s, q + 2, n, depth, 0, pipes))
            return 1;
    }
    /* (?:>\x20?)+ (Markdown quotes): it ends after every mark and after its space; a
     * second one right after it ends nowhere else, so it is not tried */
    if (c == '>' && !after_quotes) {
        for (q = p; q < n && s[q] == '>';) {
            q++;
            if (after_prefix(s, q, n, depth, 1, pipes))
                return 1;
            if (q < n && s[q] == ' ') {
                q++;
                if (after_prefix(s, q, n, depth, 1, pipes))
                    return 1;
            }
        }
    }
    /* \x20{0,4}\d{1,5}(?:\x20?\|\x20?|\t|\x20\x20) (editor gutters): the spaces and
     * digits are whole runs; the mark may end in several places */
    if (c == ' ' || is_digit(s, p, n)) {
        q = p;
        while (q < n && s[q] == ' ')
            q++;
        Py_ssize_t number = q;
        while (is_digit(s, q, n))
            q++;
        if (number - p <= 4 && q > number && q - number <= 5 && q < n) {
            if (s[q] == '\t' && after_prefix(s, q + 1, n, depth, 0, pipes))
                return 1;
            if (s[q] == ' ' && q + 1 < n && s[q + 1] == ' ' && after_prefix(s, q + 2, n, depth, 0, pipes))
                return 1;
            Py_ssize_t bar = s[q] == ' ' ? q + 1 : q;
            if (bar < n && s[bar] == '|') {
                if (after_prefix(s, bar + 1, n, depth, 0, pipes))
                    return 1;
                if (bar + 1 < n && s[bar + 1] == ' ' && after_prefix(s, bar + 2, n, depth, 0, pipes))
                    return 1;
            }
        }
    }
    return 0;
}

/* ^(?:[\x20\t]*(?:│|┃|║)+\x20?)+ matches where the first border follows the indentation */
static int
boxed(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t q = 0;
    while (q < n && (s[q] == ' ' || s[q] == '\t'))
        q++;
    return q + 2 < n && s[q] == 0xe2
        && ((s[q + 1] == 0x94 && (s[q + 2] == 0x82 || s[q + 2] == 0x83)) || (s[q + 1] == 0x95 && s[q + 2] == 0x91));
}

/* What a line's first byte allows of PREFIXED_OR_BOXED (prefix_at, boxed): */
enum {
    FIRST_NONE,     /* nothing: neither a prefix nor a box starts with it */
    FIRST_NAME,     /* [a-z_.-]: only a compose service name */
    FIRST_UPPER,    /* [A-Z]: journald's month, or a compose name */
    FIRST_DIGIT,    /* kubectl's timestamp, a gutter's number, or a compose name */
    FIRST_BRACKET,  /* kubectl's [pod/...] */
    FIRST_OTHER,    /* a space, a tab, '>' or the first byte of a border: the whole test */
};
static unsigned char first_kind[256];
static unsigned char decimal[256], blank[256];  /* [0-9]; a space or a tab */

/* After the shortcuts of prefixed_or_boxed: PREFIXED_OR_BOXED, or a prefix (whatever
 * follows it) on a line holding a PostgreSQL secondary label, which the grouping may
 * join to the message before it without its prefix (grouping.Grouper appends its body). */
static int
rewritten(const unsigned char *s, Py_ssize_t n, int pipes)
{
    if (boxed(s, n))
        return 1;
    prefix_seen = 0;
    if (prefix_at(s, 0, n, 1, 0, pipes))
        return 1;
    return prefix_seen && pg_secondary(s, n);
}

/* Whether the grouping may join the line s[0:n] to its event as other text than the line
 * itself, except after a cut line (glue() carries those): grouping.PREFIXED_OR_BOXED
 * matches it (a tool prefix before indentation, a box border), or it holds a tool prefix
 * (grouping.PREFIX, anything after it) and a PostgreSQL secondary label (line_scan.py
 * says why). `pipes`: whether the line may hold a '|' (0 only when it holds none). Most
 * lines fail at their first bytes: each shortcut below answers 0 only where every
 * alternative prefix_at and boxed try needs something the line lacks, whatever follows
 * the prefix (tests/checks/test_line_scan.py compares the two on lines built to reach
 * each test). */
static int
prefixed_or_boxed(const unsigned char *s, Py_ssize_t n, int pipes)
{
    if (n == 0)
        return 0;
    if (n > 16) {
        /* the same shortcuts as below without a branch each (the line's kind changes from
         * line to line in a log of many programs; a mispredicted branch a line cost more
         * than the tests): the bytes read all lie in the line */
        unsigned kind = first_kind[s[0]];
        unsigned digit = (kind == FIRST_DIGIT), upper = (kind == FIRST_UPPER);
        unsigned gutter = blank[s[1]] | (decimal[s[1]] & (blank[s[2]] | (decimal[s[2]] & (blank[s[3]]
            | (decimal[s[3]] & (blank[s[4]] | (decimal[s[4]] & blank[s[5]])))))));
        unsigned may = (kind == FIRST_OTHER)
            | ((kind == FIRST_BRACKET) & (s[1] == 'p'))
            | ((unsigned)(pipes != 0) & (digit | upper | (kind == FIRST_NAME)))
            | (upper & (s[3] == ' ') & (s[6] == ' '))
            | (digit & (((s[4] == '-') & (s[10] == 'T')) | gutter));
        return may && rewritten(s, n, pipes);
    }
    switch (first_kind[s[0]]) {
    case FIRST_NONE:
        return 0;
    case FIRST_NAME:
        if (!pipes)  /* compose's `name | ` */
            return 0;
        break;
    case FIRST_UPPER:
        if (!pipes && !(n > 16 && s[3] == ' ' && s[6] == ' '))  /* journald's `Mmm dd hh:` */
            return 0;
        break;
    case FIRST_DIGIT:
        if (!pipes && !(n > 10 && s[4] == '-' && s[10] == 'T')) {  /* kubectl's `yyyy-mm-ddT` */
            Py_ssize_t q = 1;  /* a gutter without a bar: 1-5 digits, then a tab or a space */
            while (q < n && q < 6 && s[q] >= '0' && s[q] <= '9')
                q++;
            if (q > 5 || q >= n || (s[q] != ' ' && s[q] != '\t'))
                return 0;
        }
        break;
    case FIRST_BRACKET:
        if (n <= 5 || memcmp(s, "[pod/", 5) != 0)
            return 0;
        break;
    default:
        break;
    }
    return rewritten(s, n, pipes);
}

/* Where the first of grouping.PREFIX_ALTERNATIVES (in their order) that matches at s[p:n]
 * ends, as Python's `re` finds it (nothing needs to follow), or -1. Each has one end but
 * the quote marks, greedy (the longest run), and the gutter, whose mark's alternatives
 * are tried in order. */
static Py_ssize_t
alternative_end(const unsigned char *s, Py_ssize_t p, Py_ssize_t n)
{
    Py_ssize_t q;
    if (p >= n)
        return -1;
    unsigned char c = s[p];
    q = timestamp_end(s, p, n);
    if (q >= 0)
        return q;
    if (c == '[' && p + 5 < n && memcmp(s + p, "[pod/", 5) == 0) {
        q = p + 5;
        while (q < n && s[q] != ']' && !is_space(s[q]))
            q++;
        if (q > p + 5 && q + 1 < n && s[q] == ']' && s[q + 1] == ' ')
            return q + 2;
    }
    q = journald_end(s, p, n);
    if (q >= 0)
        return q;
    if (compose_name[c]) {
        q = p;
        while (q < n && compose_name[s[q]])
            q++;
        while (q < n && s[q] == ' ')
            q++;
        if (q + 1 < n && s[q] == '|' && s[q + 1] == ' ')
            return q + 2;
    }
    if (c == '>') {
        for (q = p; q < n && s[q] == '>';) {
            q++;
            if (q < n && s[q] == ' ')
                q++;
        }
        return q;
    }
    if (c == ' ' || is_digit(s, p, n)) {
        q = p;
        while (q < n && s[q] == ' ')
            q++;
        Py_ssize_t number = q;
        while (is_digit(s, q, n))
            q++;
        if (number - p <= 4 && q > number && q - number <= 5 && q < n) {
            if (s[q] == ' ' && q + 1 < n && s[q + 1] == '|')
                return q + 2 < n && s[q + 2] == ' ' ? q + 3 : q + 2;
            if (s[q] == '|')
                return q + 1 < n && s[q + 1] == ' ' ? q + 2 : q + 1;
            if (s[q] == '\t')
                return q + 1;
            if (s[q] == ' ' && q + 1 < n && s[q + 1] == ' ')
                return q + 2;
        }
    }
    return -1;
}

/* Where grouping.split's body of the line s[0:n] starts when it finds a tool prefix
 * (grouping.PREFIX: one alternative, then a second one where it matches), else 0 (no
 * prefix; a boxed line, which the bulk path flags on its own, is left as it is). */
static Py_ssize_t
body_start(const unsigned char *s, Py_ssize_t n)
{
    if (n == 0 || boxed(s, n))
        return 0;
    Py_ssize_t first = alternative_end(s, 0, n);
    if (first < 0)
        return 0;
    Py_ssize_t second = alternative_end(s, first, n);
    return second < 0 ? first : second;
}

/* ---- records(): the lines of a block that are flat JSON records (checks/engine/
 * bulk_scan.py, _record_hits, says why). A line is decided by what normalize.normalise
 * makes of it, read from the bytes alone: only a record whose every string is free of
 * backslashes and control bytes and is valid UTF-8 without surrogates (its text is then
 * its bytes, as json.loads gives them), whose values are strings, numbers, true, false
 * or null (no nesting), with spaces only between its tokens. Anything else is kept as
 * it is (the bulk path's ordinary way). */

#define REC_KEPT 0
#define REC_TEXT 1  /* normalise() gives the text under "log" or "message" */
#define REC_SAME 2  /* normalise() gives the line itself (a record it does not unwrap) */
#define REC_MAX_TIMES 16

/* The string starting at s[*p] (a quote): its content in *at, *len; *p past it. */
static int
rec_string(const unsigned char *s, Py_ssize_t n, Py_ssize_t *p, Py_ssize_t *at, Py_ssize_t *len)
{
    Py_ssize_t i = *p + 1, start = i;
    while (i < n) {
        unsigned char c = s[i];
        if (c == '"') {
            *at = start;
            *len = i - start;
            *p = i + 1;
            return 0;
        }
        if (c == '\\' || c < 0x20 || c == 0x7f)
            return -1;
        if (c < 0x80) {
            i++;
            continue;
        }
        Py_ssize_t size;
        unsigned char low = 0x80, high = 0xbf;  /* the second byte's range */
        if (c >= 0xc2 && c <= 0xdf)
            size = 2;
        else if (c >= 0xe0 && c <= 0xef) {
            size = 3;
            if (c == 0xe0)
                low = 0xa0;  /* not overlong */
            else if (c == 0xed)
                high = 0x9f;  /* not a surrogate (json.loads' surrogatepass would take one) */
        }
        else if (c >= 0xf0 && c <= 0xf4) {
            size = 4;
            if (c == 0xf0)
                low = 0x90;
            else if (c == 0xf4)
                high = 0x8f;
        }
        else
            return -1;
        if (size > n - i || s[i + 1] < low || s[i + 1] > high)
            return -1;
        for (Py_ssize_t k = 2; k < size; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xbf)
                return -1;
        i += size;
    }
    return -1;
}

/* A JSON number at s[*p] (json's grammar; NaN and Infinity are refused). */
static int
rec_number(const unsigned char *s, Py_ssize_t n, Py_ssize_t *p)
{
    Py_ssize_t i = *p;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n)
        return -1;
    if (s[i] == '0')
        i++;
    else if (s[i] >= '1' && s[i] <= '9')
        while (i < n && decimal[s[i]])
            i++;
    else
        return -1;
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !decimal[s[i]])
            return -1;
        while (i < n && decimal[s[i]])
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !decimal[s[i]])
            return -1;
        while (i < n && decimal[s[i]])
            i++;
    }
    *p = i;
    return 0;
}

static Py_ssize_t
rec_spaces(const unsigned char *s, Py_ssize_t n, Py_ssize_t i)
{
    while (i < n && s[i] == ' ')
        i++;
    return i;
}

/* Whether s[0:n] holds none of normalize's replacing triggers, but for the record keys
 * (`quotes`: a quote may occur). line_scan.RECORD_SAFE checks, at import, that each
 * trigger holds one of the bytes or pairs refused here. An `&` is refused only before
 * the second byte of an entity trigger (`&q`, `&#`, `&a`, `&l`, `&g`, `&n`): a URL's
 * query (`?limit=20&offset=40`, the app's access lines) is no entity (since VERSION 9). */
static int
rec_plain(const unsigned char *s, Py_ssize_t n, int quotes)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '`' || c == '\\' || c == 0xc2 || c == 0xe2 || (c == '"' && !quotes))
            return 0;
        if (c == '&' && i + 1 < n
                && (s[i + 1] == 'q' || s[i + 1] == '#' || s[i + 1] == 'a' || s[i + 1] == 'l' || s[i + 1] == 'g'
                    || s[i + 1] == 'n'))
            return 0;
        if (c == '*' && i + 1 < n && s[i + 1] == '*')
            return 0;
        if (c == ']' && n - i >= 6 && memcmp(s + i, "](http", 6) == 0)
            return 0;
    }
    return 1;
}

/* What normalise() makes of the line s[0:n]: REC_TEXT (the text in *at, *len), REC_SAME
 * or REC_KEPT (not decided here). `times`: normalize._RECORD_TIMES. */
static int
rec_line(const unsigned char *s, Py_ssize_t n, const char *const *times, const Py_ssize_t *sizes, Py_ssize_t count,
         Py_ssize_t *at, Py_ssize_t *len)
{
    Py_ssize_t i = rec_spaces(s, n, 0);
    Py_ssize_t last = n;
    while (last > i && s[last - 1] == ' ')
        last--;
    if (i >= last || s[i] != '{' || s[last - 1] != '}')
        return REC_KEPT;
    i = rec_spaces(s, last, i + 1);
    int log_text = 0, message_text = 0, timed = 0, keyed = 0;
    Py_ssize_t log_at = 0, log_len = 0, message_at = 0, message_len = 0;
    if (i < last && s[i] == '}')
        i++;
    else {
        for (;;) {
            Py_ssize_t key_at, key_len, value_at = 0, value_len = 0;
            if (i >= last || s[i] != '"' || rec_string(s, last, &i, &key_at, &key_len) < 0)
                return REC_KEPT;
            i = rec_spaces(s, last, i);
            if (i >= last || s[i] != ':')
                return REC_KEPT;
            i = rec_spaces(s, last, i + 1);
            if (i >= last)
                return REC_KEPT;
            int text = 0;
            unsigned char c = s[i];
            if (c == '"') {
                if (rec_string(s, last, &i, &value_at, &value_len) < 0)
                    return REC_KEPT;
                text = 1;
            }
            else if (c == '-' || decimal[c]) {
                if (rec_number(s, last, &i) < 0)
                    return REC_KEPT;
            }
            else if (last - i >= 4 && memcmp(s + i, "true", 4) == 0)
                i += 4;
            else if (last - i >= 5 && memcmp(s + i, "false", 5) == 0)
                i += 5;
            else if (last - i >= 4 && memcmp(s + i, "null", 4) == 0)
                i += 4;
            else
                return REC_KEPT;  /* nested, or not JSON */
            /* a key given twice: json.loads keeps the last value */
            if (key_len == 3 && memcmp(s + key_at, "log", 3) == 0) {
                keyed = 1;
                log_text = text;
                log_at = value_at;
                log_len = value_len;
            }
            else if (key_len == 7 && memcmp(s + key_at, "message", 7) == 0) {
                keyed = 1;
                message_text = text;
                message_at = value_at;
                message_len = value_len;
            }
            for (Py_ssize_t k = 0; k < count && !timed; k++)
                timed = key_len == sizes[k] && memcmp(s + key_at, times[k], (size_t)key_len) == 0;
            i = rec_spaces(s, last, i);
            if (i < last && s[i] == ',') {
                i = rec_spaces(s, last, i + 1);
                continue;
            }
            if (i < last && s[i] == '}') {
                i++;
                break;
            }
            return REC_KEPT;
        }
    }
    if (i != last)
        return REC_KEPT;
    if (log_text || (timed && message_text)) {
        *at = log_text ? log_at : message_at;
        *len = log_text ? log_len : message_len;
        return rec_plain(s + *at, *len, 0) ? REC_TEXT : REC_KEPT;
    }
    /* a record without those keys holds no trigger of a record: nothing to tell */
    return keyed && rec_plain(s, n, 1) ? REC_SAME : REC_KEPT;
}

static void
rec_copy(unsigned char *out, Py_ssize_t *size, const unsigned char *from, Py_ssize_t n)
{
    if (n > 0)
        memcpy(out + *size, from, (size_t)n);
    *size += n;
}

static PyObject *
records(PyObject *Py_UNUSED(self), PyObject *args)
{
    Py_buffer view;
    Py_ssize_t lo, hi, width, longest;
    PyObject *keys;
    if (!PyArg_ParseTuple(args, "y*nnnnO!", &view, &lo, &hi, &width, &longest, &PyTuple_Type, &keys))
        return NULL;
    const char *times[REC_MAX_TIMES];
    Py_ssize_t sizes[REC_MAX_TIMES];
    Py_ssize_t count = PyTuple_GET_SIZE(keys);
    if (count > REC_MAX_TIMES) {
        PyBuffer_Release(&view);
        return PyErr_Format(PyExc_ValueError, "more than %d time keys", REC_MAX_TIMES);
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *key = PyTuple_GET_ITEM(keys, k);
        if (!PyBytes_Check(key)) {
            PyBuffer_Release(&view);
            return PyErr_Format(PyExc_TypeError, "time keys must be bytes");
        }
        times[k] = PyBytes_AS_STRING(key);
        sizes[k] = PyBytes_GET_SIZE(key);
    }
    const unsigned char *buf = (const unsigned char *)view.buf;
    if (lo < 0)
        lo = 0;
    if (hi > view.len)
        hi = view.len;
    if (hi < lo)
        hi = lo;
    PyObject *result = NULL, *text = NULL;
    PyObject *lists[5] = {PyList_New(0), PyList_New(0), PyList_New(0), PyList_New(0), PyList_New(0)};
    unsigned char *out = PyMem_Malloc((size_t)(hi - lo) + 1);
    if (out == NULL || !lists[0] || !lists[1] || !lists[2] || !lists[3] || !lists[4]) {
        if (out == NULL)
            PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t size = 0, line = lo, changed = 0;
    Py_ssize_t previous = width, before = width;  /* the two lines before: unknown at lo */
    while (line < hi) {
        const unsigned char *nl = memchr(buf + line, '\n', (size_t)(hi - line));
        if (nl == NULL) {  /* a last line without its newline: kept */
            rec_copy(out, &size, buf + line, hi - line);
            break;
        }
        Py_ssize_t n = nl - (buf + line), at = 0, len = 0;
        int kind = n <= longest ? rec_line(buf + line, n, times, sizes, count, &at, &len) : REC_KEPT;
        if (kind == REC_TEXT && n != width && previous != width && before != width) {
            if (append_offset(lists[0], size) < 0 || append_offset(lists[1], line) < 0)
                goto done;
            rec_copy(out, &size, buf + line + at, len);
            if (append_offset(lists[2], size) < 0 || append_offset(lists[3], line + n) < 0)
                goto done;
            changed++;
        }
        else {
            if (kind == REC_SAME) {
                if (append_offset(lists[4], size) < 0)
                    goto done;
                changed++;
            }
            rec_copy(out, &size, buf + line, n);
        }
        out[size++] = '\n';
        before = previous;
        previous = n;
        line += n + 1;
    }
    if (changed == 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    text = PyBytes_FromStringAndSize((const char *)out, size);
    if (text != NULL)
        result = PyTuple_Pack(6, text, lists[0], lists[1], lists[2], lists[3], lists[4]);
done:
    PyMem_Free(out);
    Py_XDECREF(text);
    for (int k = 0; k < 5; k++)
        Py_XDECREF(lists[k]);
    PyBuffer_Release(&view);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(buf, lo, hi, width, prefixed=False, longer=-1) -> (newlines in buf[lo:hi], ends of its lines exactly "
     "width long[, ends of its lines a tool prefix before indentation or a box border starts][, how many of "
     "its lines are longer than `longer`, when >= 0])"},
    {"scan_clean", scan_clean, METH_VARARGS,
     "scan_clean(buf, lo, hi, width, prefixed=False, longer=-1) -> what scan() answers, or None when buf[lo:hi] holds "
     "an ESC, CR or NUL byte"},
    {"glue", glue, METH_VARARGS,
     "glue(buf, cuts, end, width) -> (joined glued texts, where each ends, its run's first cut)"},
    {"noisy", noisy, METH_O, "noisy(buf) -> whether buf holds an ESC, CR or NUL byte"},
    {"records", records, METH_VARARGS,
     "records(buf, lo, hi, width, longest, times) -> None when no line of buf[lo:hi] is a flat JSON record decided "
     "here, else (the lines as normalise() reads the records read as their text, the starts and the ends (newlines) "
     "of those lines in it, the same in buf, the starts in it of the records that normalise to themselves)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef definition = {PyModuleDef_HEAD_INIT, "_line_scan", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__line_scan(void)
{
    for (int c = 0; c < 256; c++) {
        compose_name[c] = is_word((unsigned char)c) || c == '.' || c == '-';
        decimal[c] = c >= '0' && c <= '9';
        blank[c] = c == ' ' || c == '\t';
        first_kind[c] = c >= '0' && c <= '9' ? FIRST_DIGIT
            : c >= 'A' && c <= 'Z' ? FIRST_UPPER
            : compose_name[c] ? FIRST_NAME
            : c == '[' ? FIRST_BRACKET
            : c == ' ' || c == '\t' || c == '>' || c == 0xe2 ? FIRST_OTHER
            : FIRST_NONE;
    }
    if (PyType_Ready(&TriggersType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&definition);
    /* 2: scan() finds the prefixed lines too; 3: noisy(); 4: scan_clean(); 5: `longer`;
     * 6: Triggers (normalize.py); 7: the prefixed lines after a cut line and the prefixed
     * PostgreSQL secondary lines; 8: records(). line_scan.py and normalize.py leave to Python what an
     * older build lacks */
    if (module != NULL && (PyModule_AddIntConstant(module, "VERSION", 9) < 0
                           || PyModule_AddObjectRef(module, "Triggers", (PyObject *)&TriggersType) < 0)) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
