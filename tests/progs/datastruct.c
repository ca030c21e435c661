/* Pointer-heavy data structures: an open hash table, a binary search tree with deletion, and a
   doubly linked list; output depends only on the inserted keys. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Ent { char key[16]; int val; struct Ent *next; } Ent;
enum { NB = 257 };
static Ent *tab[NB];
static unsigned hash(const char *s) { unsigned h = 5381; while (*s) h = h * 33 ^ (unsigned char)*s++; return h % NB; }
static void put(const char *k, int v)
{
    unsigned b = hash(k);
    for (Ent *e = tab[b]; e; e = e->next) if (!strcmp(e->key, k)) { e->val += v; return; }
    Ent *e = malloc(sizeof *e);
    snprintf(e->key, sizeof e->key, "%s", k);
    e->val = v;
    e->next = tab[b];
    tab[b] = e;
}
static int get(const char *k)
{
    for (Ent *e = tab[hash(k)]; e; e = e->next) if (!strcmp(e->key, k)) return e->val;
    return -1;
}

typedef struct Node { int key; struct Node *l, *r; } Node;
static Node *insert(Node *t, int k)
{
    if (!t) { t = calloc(1, sizeof *t); t->key = k; return t; }
    if (k < t->key) t->l = insert(t->l, k); else if (k > t->key) t->r = insert(t->r, k);
    return t;
}
static Node *erase(Node *t, int k)
{
    if (!t) return NULL;
    if (k < t->key) t->l = erase(t->l, k);
    else if (k > t->key) t->r = erase(t->r, k);
    else {
        if (!t->l || !t->r) { Node *c = t->l ? t->l : t->r; free(t); return c; }
        Node *m = t->r;
        while (m->l) m = m->l;
        t->key = m->key;
        t->r = erase(t->r, m->key);
    }
    return t;
}
static int height(Node *t) { if (!t) return 0; int a = height(t->l), b = height(t->r); return 1 + (a > b ? a : b); }
static void inorder(Node *t, int *out, int *n) { if (!t) return; inorder(t->l, out, n); out[(*n)++] = t->key; inorder(t->r, out, n); }

typedef struct L { int v; struct L *prev, *next; } L;

int main(void)
{
    char k[16];
    for (int i = 0; i < 20000; i++) { snprintf(k, sizeof k, "w%d", (i * 7919) % 3001); put(k, i % 13); }
    int used = 0, longest = 0;
    for (int b = 0; b < NB; b++) { int len = 0; for (Ent *e = tab[b]; e; e = e->next) len++; used += len > 0; if (len > longest) longest = len; }
    printf("hash: w0=%d w1500=%d w3000=%d missing=%d buckets used %d longest %d\n", get("w0"), get("w1500"),
           get("w3000"), get("nope"), used, longest);

    Node *t = NULL;
    uint32_t s = 99;
    for (int i = 0; i < 5000; i++) { s = s * 1103515245u + 12345u; t = insert(t, (int)(s >> 16) % 10000); }
    for (int i = 0; i < 10000; i += 3) t = erase(t, i);
    static int keys[10000];
    int n = 0;
    inorder(t, keys, &n);
    int ok = 1;
    for (int i = 1; i < n; i++) ok &= keys[i - 1] < keys[i];
    printf("bst: %d keys sorted %d height %d first %d last %d\n", n, ok, height(t), keys[0], keys[n - 1]);

    L head = {0, &head, &head};
    for (int i = 0; i < 1000; i++) {
        L *x = malloc(sizeof *x);
        x->v = i;
        if (i % 2) { x->next = head.next; x->prev = &head; head.next->prev = x; head.next = x; }
        else { x->prev = head.prev; x->next = &head; head.prev->next = x; head.prev = x; }
    }
    for (L *x = head.next; x != &head;) { L *nx = x->next; if (x->v % 3 == 0) { x->prev->next = x->next; x->next->prev = x->prev; free(x); } x = nx; }
    long fwd = 0, bwd = 0; int cnt = 0, pos = 0;
    for (L *x = head.next; x != &head; x = x->next) fwd += (long)x->v * ++pos, cnt++;
    pos = 0;
    for (L *x = head.prev; x != &head; x = x->prev) bwd += (long)x->v * ++pos;
    printf("list: %d nodes fwd %ld bwd %ld\n", cnt, fwd, bwd);
    return 0;
}
