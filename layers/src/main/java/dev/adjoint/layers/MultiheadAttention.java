package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * Multi-head attention, as PyTorch's {@code nn.MultiheadAttention(embed_dim, num_heads, dropout, bias,
 * batch_first=...)}, with its state-dict names ({@code in_proj_weight}, {@code in_proj_bias},
 * {@code out_proj.weight}, {@code out_proj.bias}) and initialisation (Xavier-uniform projections,
 * zero biases): the query, key and value are projected by the three blocks of {@code in_proj_weight},
 * split into {@code numHeads} heads, attended ({@link F#scaledDotProductAttention}), joined and
 * projected by {@code out_proj}. Inputs are {@code [batch, length, embed]} when {@code batchFirst},
 * else {@code [length, batch, embed]} (PyTorch's default).
 */
public final class MultiheadAttention extends Module {
    private final int embedDim;
    private final int numHeads;
    private final boolean batchFirst;
    public final Parameter inProjWeight;
    public final Parameter inProjBias;
    public final Linear outProj;
    private final Dropout dropout;

    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean bias, boolean batchFirst) {
        if (embedDim < 1 || numHeads < 1 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embedDim " + embedDim + " must be divisible by numHeads " + numHeads);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.batchFirst = batchFirst;
        this.inProjWeight = registerParameter("in_proj_weight", new Parameter(Tensor.zeros(3L * embedDim, embedDim).data()));
        Init.xavierUniform(inProjWeight);
        this.inProjBias = bias ? registerParameter("in_proj_bias", new Parameter(Tensor.zeros(3L * embedDim).data())) : null;
        this.outProj = registerModule("out_proj", new Linear(embedDim, embedDim, bias));
        if (bias) {
            Init.zeros(outProj.bias);
        }
        this.dropout = dropout > 0 ? new Dropout(dropout) : null;
    }

    /** Bias on, {@code batchFirst} false, as PyTorch's defaults. */
    public MultiheadAttention(int embedDim, int numHeads, double dropout) {
        this(embedDim, numHeads, dropout, true, false);
    }

    public MultiheadAttention(int embedDim, int numHeads) {
        this(embedDim, numHeads, 0.0);
    }

    /** Self-attention: query, key and value are all x. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, x, x, null);
    }

    /**
     * Attention of {@code query} over {@code key}/{@code value}; {@code attnMask} (or null) is added to
     * the scores, {@code [L, S]} or {@code [batch * numHeads, L, S]}, as PyTorch's float {@code attn_mask}.
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, Tensor attnMask) {
        Tensor q = batchFirst ? query : query.transpose(0, 1);
        Tensor k = batchFirst ? key : key.transpose(0, 1);
        Tensor v = batchFirst ? value : value.transpose(0, 1);
        if (q.dim() != 3 || q.size(2) != embedDim || k.dim() != 3 || v.dim() != 3 || k.size(0) != q.size(0) || v.size(1) != k.size(1)) {
            throw new IllegalArgumentException("MultiheadAttention: expected query, key, value as [" + (batchFirst ? "batch, length" : "length, batch")
                    + ", " + embedDim + "], got " + java.util.Arrays.toString(query.shape()) + ", " + java.util.Arrays.toString(key.shape()) + ", "
                    + java.util.Arrays.toString(value.shape()));
        }
        Tensor qh = heads(project(q, 0));
        Tensor kh = heads(project(k, 1));
        Tensor vh = heads(project(v, 2));
        Tensor mask = attnMask == null || attnMask.dim() == 2 ? attnMask
                : attnMask.reshape(q.size(0), numHeads, attnMask.size(-2), attnMask.size(-1));
        Tensor attended;
        if (dropout == null || !isTraining()) {
            attended = F.scaledDotProductAttention(qh, kh, vh, mask, false);
        } else { // dropout on the attention weights, as PyTorch
            Tensor scores = F.div(F.matmul(qh, kh.transpose(-2, -1)), Math.sqrt(embedDim / (double) numHeads));
            attended = F.matmul(dropout.forward(F.softmax(mask == null ? scores : scores.add(mask), -1)), vh);
        }
        long b = q.size(0);
        long l = q.size(1);
        Tensor joined = attended.permute(0, 2, 1, 3).reshape(b, l, embedDim);
        Tensor out = outProj.forward(joined);
        return batchFirst ? out : out.transpose(0, 1);
    }

    /** x [B, L, E] through block {@code i} (0 query, 1 key, 2 value) of the input projection. */
    private Tensor project(Tensor x, int i) {
        Tensor w = F.narrow(inProjWeight, 0, (long) i * embedDim, embedDim);
        Tensor bias = inProjBias == null ? null : F.narrow(inProjBias, 0, (long) i * embedDim, embedDim);
        return F.linear(x, w, bias);
    }

    /** [B, L, E] as [B, heads, L, E / heads]. */
    private Tensor heads(Tensor x) {
        return x.reshape(x.size(0), x.size(1), numHeads, embedDim / numHeads).permute(0, 2, 1, 3);
    }

    @Override
    protected String describe() {
        return "MultiheadAttention(" + embedDim + ", heads=" + numHeads + (batchFirst ? ", batchFirst" : "") + ")";
    }
}
