/* interp: a tiny stack-based bytecode interpreter with a switch dispatch loop
 * running a hand-assembled program (nested counting loops doing arithmetic).
 * Stresses: br_table (switch), unpredictable indirect-style branches,
 * i32 loads/stores on a small stack and locals array. */
#include <stdio.h>
#include "scale.h"

enum {
    OP_PUSH,  /* push imm */
    OP_LOAD,  /* push locals[imm] */
    OP_STORE, /* locals[imm] = pop */
    OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR, OP_AND,
    OP_LT,    /* push (a < b) */
    OP_JZ,    /* if pop == 0 goto imm */
    OP_JMP,   /* goto imm */
    OP_DUP, OP_POP,
    OP_HALT
};

typedef struct { int op, imm; } Insn;

static unsigned run(const Insn *code, int *locals) {
    unsigned stack[64];
    int sp = 0, pc = 0;
    for (;;) {
        const Insn in = code[pc++];
        switch (in.op) {
        case OP_PUSH: stack[sp++] = (unsigned)in.imm; break;
        case OP_LOAD: stack[sp++] = (unsigned)locals[in.imm]; break;
        case OP_STORE: locals[in.imm] = (int)stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] >>= (stack[sp] & 31); break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_LT: sp--; stack[sp - 1] = (int)stack[sp - 1] < (int)stack[sp]; break;
        case OP_JZ: if (stack[--sp] == 0) pc = in.imm; break;
        case OP_JMP: pc = in.imm; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_POP: sp--; break;
        case OP_HALT: return (unsigned)locals[0];
        default: return 0xdeadbeefu;
        }
    }
}

/* locals: 0 = acc, 1 = i, 2 = j, 3 = outer limit, 4 = inner limit */
static const Insn program[] = {
    /* 0 */ {OP_PUSH, 0}, {OP_STORE, 1},               /* i = 0 */
    /* 2 */ {OP_LOAD, 1}, {OP_LOAD, 3}, {OP_LT, 0}, {OP_JZ, 37}, /* while i < n */
    /* 6 */ {OP_PUSH, 0}, {OP_STORE, 2},               /*   j = 0 */
    /* 8 */ {OP_LOAD, 2}, {OP_LOAD, 4}, {OP_LT, 0}, {OP_JZ, 32}, /*   while j < m */
    /* 12 */ {OP_LOAD, 0}, {OP_PUSH, 33}, {OP_MUL, 0},  /*     acc = acc*33 ^ (i+j) */
    /* 15 */ {OP_LOAD, 1}, {OP_LOAD, 2}, {OP_ADD, 0}, {OP_XOR, 0},
    /* 19 */ {OP_DUP, 0}, {OP_PUSH, 7}, {OP_SHR, 0}, {OP_ADD, 0}, /* acc += acc >> 7 */
    /* 23 */ {OP_STORE, 0},
    /* 24 */ {OP_LOAD, 2}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_STORE, 2}, /* j++ */
    /* 28 */ {OP_PUSH, 0}, {OP_POP, 0},                 /*     (filler ops) */
    /* 30 */ {OP_JMP, 8}, {OP_HALT, 0},
    /* 32 */ {OP_LOAD, 1}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_STORE, 1}, /* i++ */
    /* 36 */ {OP_JMP, 2},
    /* 37 */ {OP_HALT, 0},
};

int main(void) {
    volatile int outer = (int)scaled(2000), inner = 5000;
    int locals[8] = {0, 0, 0, outer, inner, 0, 0, 0};
    unsigned r = run(program, locals);
    printf("interp %u\n", r);
    return 0;
}
