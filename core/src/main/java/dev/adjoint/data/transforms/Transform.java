package dev.adjoint.data.transforms;

import java.util.Random;

/**
 * An image transform, as torchvision's: {@code ImageFolder} applies it every time it hands out an
 * image, drawing from its own seeded generator, so random transforms differ per epoch and repeat per seed.
 */
@FunctionalInterface
public interface Transform {
    Image apply(Image image, Random random);

    /** This transform, then {@code next}. */
    default Transform then(Transform next) {
        return (image, random) -> next.apply(apply(image, random), random);
    }

    /** The transforms in order, as {@code transforms.Compose}. */
    static Transform compose(Transform... steps) {
        Transform all = (image, random) -> image;
        for (Transform t : steps) {
            all = all.then(t);
        }
        return all;
    }
}
