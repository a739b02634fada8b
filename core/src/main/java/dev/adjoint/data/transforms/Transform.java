package dev.adjoint.data.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An image transform, as torchvision's: {@code ImageFolder} applies it every time it hands out an
 * image, drawing from its own seeded generator, so random transforms differ per epoch and repeat per seed.
 */
@FunctionalInterface
public interface Transform {
    Image transform(Image image, Random random);

    /**
     * Whether the result depends on the generator. {@code ImageFolder} applies the leading
     * transforms that do not (a resize, a centre crop) once, when it reads the file, and keeps the
     * smaller image; the rest run each time an image is handed out. A transform of unknown kind (a
     * lambda) counts as random.
     */
    default boolean isRandom() {
        return true;
    }

    /** This transform, then {@code next}. */
    default Transform then(Transform next) {
        return compose(this, next);
    }

    /** The transforms in order, as {@code transforms.Compose}. */
    static Transform compose(Transform... steps) {
        List<Transform> flat = new ArrayList<>();
        for (Transform t : steps) {
            flat.addAll(t instanceof Compose c ? c.steps() : List.of(t));
        }
        return new Compose(List.copyOf(flat));
    }

    /** Transforms applied one after the other; random when any step is. */
    record Compose(List<Transform> steps) implements Transform {
        @Override
        public Image transform(Image image, Random random) {
            Image out = image;
            for (Transform t : steps) {
                out = t.transform(out, random);
            }
            return out;
        }

        @Override
        public boolean isRandom() {
            return steps.stream().anyMatch(Transform::isRandom);
        }

        /** The leading steps that draw nothing from the generator. */
        public Transform fixedPrefix() {
            int k = 0;
            while (k < steps.size() && !steps.get(k).isRandom()) {
                k++;
            }
            return new Compose(steps.subList(0, k));
        }

        /** The steps after {@link #fixedPrefix()}. */
        public Transform rest() {
            return new Compose(steps.subList(((Compose) fixedPrefix()).steps().size(), steps.size()));
        }

        @Override
        public String toString() {
            return "Compose" + steps;
        }
    }
}
