package dev.adjoint.data;

import dev.adjoint.Shapes;
import dev.adjoint.data.transforms.Image;
import dev.adjoint.data.transforms.Transform;
import java.util.Random;

/**
 * Any data set of {@code [C, H, W]} images with an image transform applied each time an example is
 * handed out, drawing from this data set's own seeded generator (so random crops and flips differ
 * per epoch and repeat per seed), as torchvision's datasets take a {@code transform}:
 * {@code train.transform(Transform.compose(new RandomCrop(32, 4), new RandomHorizontalFlip()), seed)}
 * gives CIFAR's augmentation on in-memory data. Labels pass through.
 */
public final class TransformedDataset implements Dataset {
    private final Dataset source;
    private final Transform transform;
    private final Random random;
    private final long[] sourceShape;
    private final long[] shape;

    public TransformedDataset(Dataset source, Transform transform, long seed) {
        this.source = source;
        this.transform = transform;
        this.random = new Random(seed);
        this.sourceShape = source.exampleShape();
        if (sourceShape.length != 3) {
            throw new IllegalArgumentException("TransformedDataset: image transforms need [C, H, W] examples, the data set's are "
                    + Shapes.str(sourceShape));
        }
        if (source.size() == 0) {
            this.shape = sourceShape.clone();
        } else {
            Image probe = transform.transform(image(0), new Random(seed)); // the output's shape, without touching the real generator
            this.shape = new long[] {probe.channels(), probe.height(), probe.width()};
        }
    }

    private Image image(int index) {
        float[] v = new float[(int) Shapes.numel(sourceShape)];
        source.copyInput(index, v, 0);
        return new Image((int) sourceShape[0], (int) sourceShape[1], (int) sourceShape[2], v);
    }

    @Override
    public int size() {
        return source.size();
    }

    @Override
    public long[] exampleShape() {
        return shape.clone();
    }

    @Override
    public void copyInput(int index, float[] dest, int offset) {
        Image out = transform.transform(image(index), random);
        if (out.channels() != shape[0] || out.height() != shape[1] || out.width() != shape[2]) {
            throw new IllegalStateException("TransformedDataset: example " + index + " became [" + out.channels() + ", " + out.height() + ", "
                    + out.width() + "] but the first became " + Shapes.str(shape) + "; the transform must give one size");
        }
        System.arraycopy(out.data(), 0, dest, offset, out.data().length);
    }

    @Override
    public int label(int index) {
        return source.label(index);
    }

    @Override
    public String toString() {
        return "TransformedDataset(" + source + ", " + transform + ")";
    }
}
